using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AsgiBridge.TestInfrastructure.Brokers;

/// <summary>
/// A broker server (Debian's redis-server or nats-server) run by a test on a free loopback port: started and awaited
/// through its own "ready" log line, killed hard to simulate an outage, restarted on the same port, and killed at the end.
/// A missing binary fails the test with the package to install; nothing is skipped.
/// </summary>
public abstract class BrokerServer : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(15);
    private Process? _process;

    protected BrokerServer()
    {
        Port = FreePort();
    }

    /// <summary>The loopback port the server listens on (kept across restarts).</summary>
    public int Port { get; }

    /// <summary>Whether the server process is running (started and not killed).</summary>
    public bool IsRunning => _process is not null;

    /// <summary>The executable.</summary>
    protected abstract string Executable { get; }

    /// <summary>The Debian package that installs <see cref="Executable"/>.</summary>
    protected abstract string DebianPackage { get; }

    /// <summary>A line the server prints once it accepts connections.</summary>
    protected abstract string ReadyMarker { get; }

    /// <summary>The command-line arguments (binding 127.0.0.1 and <see cref="Port"/>).</summary>
    protected abstract string Arguments { get; }

    /// <summary>Starts the server and waits until it is ready.</summary>
    public async Task StartAsync()
    {
        if (!File.Exists(Executable))
        {
            var ci = Environment.GetEnvironmentVariable("CI") == "true" ? " (CI=true: a missing broker fails the run)" : string.Empty;
            throw new InvalidOperationException($"{Executable} is not installed: run 'apt-get install -y {DebianPackage}'{ci}.");
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var process = new Process
        {
            StartInfo = new ProcessStartInfo(Executable, Arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
            EnableRaisingEvents = true,
        };
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            output.Enqueue(e.Data);
            if (e.Data.Contains(ReadyMarker, StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.OutputDataReceived += onLine;
        process.ErrorDataReceived += onLine;
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"{Executable} exited early:\n{string.Join('\n', output)}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        try
        {
            await ready.Task.WaitAsync(ReadyTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Executable} did not print '{ReadyMarker}' within {ReadyTimeout}:\n{string.Join('\n', output)}");
        }
    }

    /// <summary>Kills the server at once (an outage, not a shutdown) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    /// <summary>Starts the server again on the same port.</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        await StartAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        GC.SuppressFinalize(this);
    }

    protected static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
