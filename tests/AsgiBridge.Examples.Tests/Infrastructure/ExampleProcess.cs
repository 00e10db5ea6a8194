using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace AsgiBridge.Examples.Tests.Infrastructure;

/// <summary>
/// An example run as a real process, the way <c>dotnet run --project examples/X</c> runs it: on a free loopback port,
/// its console output collected line by line so a test can wait for a line and read what a user would see.
/// </summary>
internal sealed partial class ExampleProcess : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Signal)> _waiters = [];

    private ExampleProcess(Process process) => _process = process;

    /// <summary>The address the example listens on.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every line written so far to standard output and standard error.</summary>
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

    /// <summary>Starts the example whose build output the test assembly names under <paramref name="metadataKey"/>.</summary>
    public static async Task<ExampleProcess> StartAsync(string metadataKey, params string[] args)
    {
        var assembly = typeof(ExampleProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == metadataKey).Value!;
        Assert.True(File.Exists(assembly), $"The example's build output is missing: {assembly}");

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        foreach (var arg in new[] { assembly, "--urls", "http://127.0.0.1:0" }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var example = new ExampleProcess(Process.Start(start)!);
        example._process.OutputDataReceived += (_, e) => example.Add(e.Data);
        example._process.ErrorDataReceived += (_, e) => example.Add(e.Data);
        example._process.BeginOutputReadLine();
        example._process.BeginErrorReadLine();
        try
        {
            var listening = await example.WaitForLineAsync(line => ListeningLine().IsMatch(line));
            example.BaseAddress = new Uri(ListeningLine().Match(listening).Groups[1].Value);
        }
        catch
        {
            await example.DisposeAsync();
            throw;
        }

        return example;
    }

    /// <summary>Waits for the first line (already written or still to come) that matches.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match)
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

        try
        {
            return await signal.Task.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException("No matching line. The example wrote:\n" + string.Join('\n', Lines));
        }
    }

    /// <summary>Stops the example as Ctrl+C would (SIGTERM: graceful shutdown) and waits for it to exit.</summary>
    /// <returns>The exit code.</returns>
    public async Task<int> StopAsync()
    {
        // Process.Kill sends SIGKILL, which skips shutdown; SIGTERM is what the host's console lifetime handles.
        Assert.Equal(0, Kill(_process.Id, SigTerm));
        await _process.WaitForExitAsync().WaitAsync(Timeout);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        List<TaskCompletionSource<string>> matched = [];
        lock (_gate)
        {
            _lines.Add(line);
            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                matched.Add(waiter.Signal);
                _waiters.Remove(waiter);
            }
        }

        matched.ForEach(signal => signal.TrySetResult(line));
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);

    // The text line "Now listening on: http://…", or the JSON event's "address" property.
    [GeneratedRegex(@"(?:Now listening on: |""address"":"")(http://[^\s""]+)")]
    private static partial Regex ListeningLine();
}
