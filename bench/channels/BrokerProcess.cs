using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ChannelsBench;

/// <summary>redis-server or nats-server on a free loopback port for one benchmark run, killed afterwards.</summary>
internal sealed class BrokerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private BrokerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static Task<BrokerProcess> RedisAsync()
    {
        var port = FreePort();
        return StartAsync("/usr/bin/redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no", "Ready to accept connections", port);
    }

    public static Task<BrokerProcess> NatsAsync()
    {
        var port = FreePort();
        return StartAsync("/usr/sbin/nats-server", $"-a 127.0.0.1 -p {port}", "Server is ready", port);
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static async Task<BrokerProcess> StartAsync(string executable, string arguments, string readyMarker, int port)
    {
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"{executable} is missing (apt-get install -y redis-server nats-server).");
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process
        {
            StartInfo = new ProcessStartInfo(executable, arguments) { RedirectStandardOutput = true, RedirectStandardError = true },
        };
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data?.Contains(readyMarker, StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        process.OutputDataReceived += onLine;
        process.ErrorDataReceived += onLine;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(15));
        return new BrokerProcess(process, port);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
