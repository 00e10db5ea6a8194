using System.Diagnostics;
using System.Text.RegularExpressions;

namespace AsgiBridge.Seeds.Tests.Harness;

/// <summary>
/// A server running as a child process (uvicorn, or a C# port's own program): its output lines (stdout and stderr, in
/// arrival order) can be awaited, it is stopped with SIGTERM as a user's Ctrl+C or a service manager would, and its
/// exit code is kept. Disposal kills whatever is still running.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Signal)> _waiters = [];
    private readonly Task _stdout;
    private readonly Task _stderr;

    private ServerProcess(Process process)
    {
        _process = process;
        _stdout = PumpAsync(process.StandardOutput);
        _stderr = PumpAsync(process.StandardError);
        Exited = process.WaitForExitAsync();
    }

    /// <summary>Completes when the process has exited.</summary>
    public Task Exited { get; }

    /// <summary>The exit code, once <see cref="Exited"/> completed.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Every line so far, stdout and stderr interleaved as they arrived.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Everything printed so far, one line each.</summary>
    public string Output => string.Join('\n', Lines);

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/>.</summary>
    /// <param name="fileName">The program.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="workingDirectory">Where it runs.</param>
    /// <returns>The running process.</returns>
    public static ServerProcess Start(string fileName, IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Lines arrive as they are printed (the seeds print from their handlers), and no colours garble them.
        start.Environment["PYTHONUNBUFFERED"] = "1";
        start.Environment["NO_COLOR"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return new ServerProcess(Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}."));
    }

    /// <summary>Waits for a line matching <paramref name="match"/> (at once if one was already printed).</summary>
    /// <param name="match">The line to wait for.</param>
    /// <param name="timeout">How long (default 30 s).</param>
    /// <returns>The line.</returns>
    /// <exception cref="TimeoutException">No such line came, or the process exited first; the message has the output.</exception>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        var signal = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_lines.FirstOrDefault(match) is { } existing)
            {
                return existing;
            }

            _waiters.Add((match, signal));
        }

        var finished = await Task.WhenAny(signal.Task, Task.WhenAll(_stdout, _stderr), Task.Delay(timeout ?? DefaultTimeout)).ConfigureAwait(false);
        if (finished == signal.Task)
        {
            return await signal.Task.ConfigureAwait(false);
        }

        lock (_gate)
        {
            _waiters.RemoveAll(w => w.Signal == signal);
            if (_lines.FirstOrDefault(match) is { } late)
            {
                return late;
            }
        }

        throw new TimeoutException($"The expected line never came{(_process.HasExited ? $" (the process exited with {_process.ExitCode})" : string.Empty)}. Output:\n{Output}");
    }

    /// <summary>Waits for a line containing <paramref name="text"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="timeout">How long (default 30 s).</param>
    /// <returns>The line.</returns>
    public Task<string> WaitForTextAsync(string text, TimeSpan? timeout = null) =>
        WaitForLineAsync(line => line.Contains(text, StringComparison.Ordinal), timeout);

    /// <summary>Waits for the line announcing <c>http://127.0.0.1:PORT</c> (uvicorn's and Kestrel's) and returns that address.</summary>
    /// <param name="timeout">How long (default 30 s).</param>
    /// <returns>The address.</returns>
    public async Task<Uri> WaitForAddressAsync(TimeSpan? timeout = null)
    {
        var line = await WaitForLineAsync(static l => ListeningAddress().IsMatch(l), timeout).ConfigureAwait(false);
        return new Uri(ListeningAddress().Match(line).Value + "/");
    }

    /// <summary>Sends SIGTERM and waits for the process to exit.</summary>
    /// <param name="timeout">How long to wait for the exit (default 30 s).</param>
    /// <returns>The exit code.</returns>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }

        return await WaitForExitAsync(timeout).ConfigureAwait(false);
    }

    /// <summary>Waits for the process to exit on its own.</summary>
    /// <param name="timeout">How long (default 30 s).</param>
    /// <returns>The exit code.</returns>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        try
        {
            await Exited.WaitAsync(timeout ?? DefaultTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The process did not exit. Output:\n{Output}");
        }

        await Task.WhenAll(_stdout, _stderr).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await Exited.ConfigureAwait(false);
        _process.Dispose();
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex ListeningAddress();

    private async Task PumpAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (_gate)
            {
                _lines.Add(line);
                for (var i = _waiters.Count - 1; i >= 0; i--)
                {
                    if (_waiters[i].Match(line))
                    {
                        _waiters[i].Signal.TrySetResult(line);
                        _waiters.RemoveAt(i);
                    }
                }
            }
        }
    }
}
