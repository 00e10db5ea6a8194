using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using AsgiBridge;
using AsgiBridge.Messages;
using AsgiBridge.Toolkit;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ShutdownBench;

/// <summary>
/// The server under test (<c>server</c> mode): an ASGI app with a WebSocket endpoint that waits for the client, an SSE
/// endpoint that sends an event a second, and a lifespan whose shutdown takes a moment and prints a marker; the bridge's
/// defaults (1012, 10 s drain). And the parent's handle on that child process.
/// </summary>
public sealed class BenchServer : IDisposable
{
    public const string LifespanDoneMarker = "LIFESPAN-SHUTDOWN-COMPLETE";
    private const string AddressMarker = "LISTENING ";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<(Uri, Uri)> _addresses = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BenchServer(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;

    public IReadOnlyCollection<string> Output => _output;

    public static async Task<int> RunAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddAsgi();
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1);
            options.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2);
            options.Limits.Http2.MaxStreamsPerConnection = 1000;
        });
        var app = builder.Build();
        app.UseAsgi(AppAsync);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToArray();
        Console.WriteLine(AddressMarker + string.Join(' ', addresses));
        await app.WaitForShutdownAsync();
        return 0;
    }

    private static async Task AppAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        switch (scope)
        {
            case LifespanScope:
                await receive();
                await send(LifespanStartupComplete.Instance);
                await receive();
                await Task.Delay(200); // closing a pool, flushing a log
                Console.WriteLine(LifespanDoneMarker);
                await send(LifespanShutdownComplete.Instance);
                break;
            case WebSocketScope:
                await receive();
                await send(WebSocketAccept.Default);
                while (await receive() is not WebSocketDisconnect)
                {
                }

                break;
            case HttpScope:
                await new ServerSentEventsResponse(TicksAsync).ExecuteAsync(scope, receive, send);
                break;
        }
    }

    private static async IAsyncEnumerable<ServerSentEvent> TicksAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var i = 0; !cancellationToken.IsCancellationRequested; i++)
        {
            yield return new ServerSentEvent($"tick {i}");
            try
            {
                await Task.Delay(1000, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }

    public static BenchServer StartChild(string dotnet, string assembly)
    {
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (!dotnet.EndsWith(Path.GetFileNameWithoutExtension(assembly), StringComparison.Ordinal))
        {
            start.ArgumentList.Add(assembly);
        }

        start.ArgumentList.Add("server");
        var process = new Process { StartInfo = start };
        var server = new BenchServer(process);
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is not { } line)
            {
                return;
            }

            server._output.Enqueue(line);
            if (line.StartsWith(AddressMarker, StringComparison.Ordinal))
            {
                var parts = line[AddressMarker.Length..].Split(' ');
                server._addresses.TrySetResult((new Uri(parts[0]), new Uri(parts[1])));
            }
        };
        process.OutputDataReceived += onLine;
        process.ErrorDataReceived += onLine;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    public Task<(Uri Http1, Uri Http2)> WaitForAddressesAsync() => _addresses.Task.WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>What a container runtime or systemd sends to stop the process.</summary>
    public void SendSigterm()
    {
        using var kill = Process.Start("kill", ["-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            return null;
        }
    }

    public void Dispose() => _process.Dispose();
}
