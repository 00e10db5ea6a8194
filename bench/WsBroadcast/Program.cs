using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using AsgiBridge;
using AsgiBridge.Messages;

namespace WsBroadcast;

/// <summary>
/// WebSocket broadcast in the shape of granian's benchmark (benchmarks/ws in emmett-framework/granian): N clients
/// connect, then each sends M small binary messages while receiving every message any client sent (N x M), because
/// the server broadcasts each received message to all connected clients, the sender included.
/// <c>server PORT</c> runs the AsgiBridge side; <c>client URL</c> measures any server (uvicorn included).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        switch (args)
        {
            case ["server", var port]:
                await BroadcastServer.RunAsync(int.Parse(port, CultureInfo.InvariantCulture));
                return 0;
            case ["client", var url]:
                return await BroadcastClient.RunAsync(new Uri(url), ClientSettings.FromEnvironment());
            default:
                Console.Error.WriteLine("usage: WsBroadcast server <port> | client <ws://127.0.0.1:port/>");
                return 2;
        }
    }
}

/// <summary>The AsgiBridge server: an ASGI app that keeps the connected sends and broadcasts every message to all.</summary>
public static class BroadcastServer
{
    private static readonly ConcurrentDictionary<Peer, byte> s_peers = new();

    public static async Task RunAsync(int port)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Services.AddAsgi();
        var app = builder.Build();
        app.UseAsgi(AppAsync);
        await app.StartAsync();
        Console.WriteLine($"ready port={port} cpus={Environment.ProcessorCount} runtime={Environment.Version}");
        await app.WaitForShutdownAsync();
    }

    /// <summary>The broadcast application, as granian's ASGI benchmark app is written.</summary>
    public static async Task AppAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        if (scope is not WebSocketScope)
        {
            await send(new HttpResponseStart(404));
            await send(new HttpResponseBody(ReadOnlyMemory<byte>.Empty));
            return;
        }

        if (await receive() is not WebSocketConnect)
        {
            return;
        }

        await send(WebSocketAccept.Default);
        var me = new Peer(send);
        s_peers.TryAdd(me, 0);
        try
        {
            while (await receive() is WebSocketReceive message)
            {
                var outgoing = message.Bytes is { } bytes ? WebSocketSend.FromBytes(bytes) : WebSocketSend.FromText(message.Text!);
                foreach (var peer in s_peers.Keys)
                {
                    await peer.SendAsync(outgoing);
                }
            }
        }
        finally
        {
            s_peers.TryRemove(me, out _);
        }
    }

    /// <summary>
    /// One connection's send. Sends to one connection come from every connection's receive loop, and overlapping
    /// sends on one connection raise in the bridge today, so they are serialised here.
    /// </summary>
    private sealed class Peer(AsgiSend send)
    {
        private readonly SemaphoreSlim _gate = new(1, 1);

        public async ValueTask SendAsync(WebSocketSend message)
        {
            await _gate.WaitAsync();
            try
            {
                await send(message);
            }
            catch (AsgiClientDisconnectedException)
            {
                // The peer left while the message was on its way; its own loop removes it.
            }
            finally
            {
                _gate.Release();
            }
        }
    }
}

/// <summary>Clients, messages per client, runs and unreported client warm-up runs, from BENCH_* environment variables (granian's defaults).</summary>
public sealed record ClientSettings(int Clients, int Messages, int Runs, int WarmupRuns, TimeSpan Timeout)
{
    public static ClientSettings FromEnvironment() => new(
        Int("BENCH_CLIENTS", 16, 1),
        Int("BENCH_MESSAGES", 2500, 1),
        Int("BENCH_RUNS", 1, 1),
        Int("BENCH_CLIENT_WARMUP_RUNS", 1, 0),
        TimeSpan.FromSeconds(Int("BENCH_TIMEOUT_SECONDS", 120, 1)));

    private static int Int(string name, int fallback, int minimum) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum ? value : fallback;
}

/// <summary>
/// The load generator. Per run: connect all clients, pause 0.5 s so the server has registered every one, then each
/// client sends its messages (<c>msg0000</c>…, binary) while receiving N x M messages. Prints one line per run with
/// granian's figures: send, receive and total ("sum") throughput, where a client's total is M x (N + 1) divided by
/// the longer of its send and receive times, summed over clients; plus delivered messages per wall-clock second.
/// </summary>
public static class BroadcastClient
{
    public static async Task<int> RunAsync(Uri url, ClientSettings settings)
    {
        var width = settings.Messages.ToString(CultureInfo.InvariantCulture).Length;
        var messages = Enumerable.Range(0, settings.Messages)
            .Select(i => System.Text.Encoding.ASCII.GetBytes("msg" + i.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0')))
            .ToArray();
        // The client is a new process per invocation: unreported runs first, so its own JIT warm-up does not cap the
        // measured run (BENCH_CLIENT_WARMUP_RUNS, default 1).
        for (var run = 1 - settings.WarmupRuns; run <= settings.Runs; run++)
        {
            var cpuBefore = ServerCpuSeconds();
            var result = await RunOnceAsync(url, settings, messages);
            if (result is not null && cpuBefore is { } before && ServerCpuSeconds() is { } after)
            {
                result += string.Create(CultureInfo.InvariantCulture, $" server_cpu_s={after - before:F2}");
            }

            if (run <= 0 && result is not null)
            {
                continue;
            }

            if (result is null)
            {
                Console.WriteLine($"run={run} FAIL timeout after {settings.Timeout.TotalSeconds:0} s (messages lost or server stalled)");
                return 1;
            }

            Console.WriteLine(result);
        }

        return 0;
    }

    /// <summary>
    /// The CPU time (user + system) of the server process named by BENCH_SERVER_PID, from /proc (Linux, USER_HZ 100),
    /// or null when unset or unreadable.
    /// </summary>
    private static double? ServerCpuSeconds()
    {
        var pid = Environment.GetEnvironmentVariable("BENCH_SERVER_PID");
        if (string.IsNullOrEmpty(pid))
        {
            return null;
        }

        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static async Task<string?> RunOnceAsync(Uri url, ClientSettings settings, byte[][] messages)
    {
        var sockets = new ClientWebSocket[settings.Clients];
        for (var i = 0; i < sockets.Length; i++)
        {
            sockets[i] = new ClientWebSocket();
            await sockets[i].ConnectAsync(url, CancellationToken.None);
        }

        await Task.Delay(500);
        using var timeout = new CancellationTokenSource(settings.Timeout);
        var expected = (long)settings.Clients * messages.Length;
        var wall = Stopwatch.StartNew();
        var clients = sockets.Select(socket => Task.Run(async () =>
        {
            var clock = Stopwatch.StartNew();
            var receiving = ReceiveAsync(socket, expected, clock, timeout.Token);
            foreach (var message in messages)
            {
                await socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, timeout.Token);
            }

            var sendTime = clock.Elapsed.TotalSeconds;
            var receiveTime = await receiving;
            return (Send: sendTime, Receive: receiveTime);
        })).ToArray();

        (double Send, double Receive)[] times;
        try
        {
            times = await Task.WhenAll(clients);
        }
        catch (OperationCanceledException)
        {
            foreach (var socket in sockets)
            {
                socket.Abort();
                socket.Dispose();
            }

            return null;
        }

        var elapsed = wall.Elapsed.TotalSeconds;
        foreach (var socket in sockets)
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            socket.Dispose();
        }

        double m = messages.Length, n = settings.Clients;
        var send = times.Sum(t => m / t.Send);
        var receive = times.Sum(t => m * n / t.Receive);
        var total = times.Sum(t => m * (n + 1) / Math.Max(t.Send, t.Receive));
        return string.Create(CultureInfo.InvariantCulture,
            $"clients={settings.Clients} messages={messages.Length} wall_s={elapsed:F3} delivered_per_s={expected * n / elapsed:F0} " +
            $"send_throughput={send:F0} recv_throughput={receive:F0} throughput_sum={total:F0}");
    }

    private static async Task<double> ReceiveAsync(ClientWebSocket socket, long expected, Stopwatch clock, CancellationToken cancel)
    {
        var buffer = new byte[1024];
        long received = 0;
        while (received < expected)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(), cancel);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketException("the server closed the connection");
            }

            if (result.EndOfMessage)
            {
                received++;
            }
        }

        return clock.Elapsed.TotalSeconds;
    }
}
