using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using AsgiBridge;
using AsgiBridge.Messages;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace WebSocketEchoBench;

/// <summary>
/// WebSocket echo messages/second: a plain ASP.NET Core echo handler (<c>/raw</c>) against the same echo written as
/// an ASGI application behind AsgiBridge (<c>/asgi</c>), measured in alternating windows of one run so host drift
/// hits both alike. <c>server</c> starts only the server (to pin it with taskset); <c>client URL</c> only measures;
/// no argument runs both in one process.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "both";
        var settings = BenchSettings.FromEnvironment();
        if (mode == "server")
        {
            await using var server = await EchoServer.StartAsync(args.Length > 1 ? args[1] : "http://127.0.0.1:5080");
            Console.WriteLine($"listening on {server.Address}");
            await server.WaitForShutdownAsync();
            return 0;
        }

        if (mode == "client")
        {
            await EchoClient.RunAsync(new Uri(args[1]), settings);
            return 0;
        }

        await using (var server = await EchoServer.StartAsync("http://127.0.0.1:0"))
        {
            await EchoClient.RunAsync(new Uri(server.Address), settings);
        }

        return 0;
    }
}

/// <summary>Connections, message size and window lengths, from BENCH_* environment variables.</summary>
public sealed record BenchSettings(int Connections, int MessageSize, TimeSpan Warmup, TimeSpan Window, int Rounds)
{
    public static BenchSettings FromEnvironment() => new(
        Int("BENCH_CONNECTIONS", 32),
        Int("BENCH_MESSAGE_SIZE", 32),
        TimeSpan.FromSeconds(Int("BENCH_WARMUP_SECONDS", 10)),
        TimeSpan.FromSeconds(Int("BENCH_WINDOW_SECONDS", 3)),
        Int("BENCH_ROUNDS", 3));

    private static int Int(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}

/// <summary>The server: <c>/raw</c> echoes with System.Net.WebSockets directly, <c>/asgi</c> through the bridge.</summary>
public sealed class EchoServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoServer(WebApplication app, string address)
    {
        _app = app;
        Address = address;
    }

    public string Address { get; }

    public static async Task<EchoServer> StartAsync(string url)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls(url);
        builder.Services.AddAsgi();
        var app = builder.Build();
        app.UseWebSockets();
        app.Map("/raw", RawEchoAsync);
        app.MapAsgi("/asgi", AsgiEchoAsync);
        app.MapGet("/cpu", () => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds.ToString(CultureInfo.InvariantCulture));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new EchoServer(app, address);
    }

    private static async Task RawEchoAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[4096];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(), context.RequestAborted);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, default);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, context.RequestAborted);
        }
    }

    private static async Task AsgiEchoAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        await receive();
        await send(WebSocketAccept.Default);
        while (await receive() is WebSocketReceive message)
        {
            await send(message.Text is { } text ? WebSocketSend.FromText(text) : WebSocketSend.FromBytes(message.Bytes!.Value));
        }
    }

    /// <summary>Completes when the host is asked to stop (Ctrl+C or SIGTERM).</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The client: closed-loop ping-pong on every connection, counting echoed messages per window.</summary>
public static class EchoClient
{
    public static async Task RunAsync(Uri server, BenchSettings settings)
    {
        var ws = new UriBuilder(server) { Scheme = "ws" }.Uri;
        Console.WriteLine($"connections={settings.Connections} size={settings.MessageSize}B warmup={settings.Warmup.TotalSeconds}s window={settings.Window.TotalSeconds}s rounds={settings.Rounds}");
        await MeasureAsync(new Uri(ws, "/raw"), settings, settings.Warmup / 2);
        await MeasureAsync(new Uri(ws, "/asgi"), settings, settings.Warmup / 2);

        using var http = new HttpClient { BaseAddress = server };
        var raw = new List<double>();
        var asgi = new List<double>();
        var rawCpu = new List<double>();
        var asgiCpu = new List<double>();
        for (var round = 0; round < settings.Rounds; round++)
        {
            var (rate, cpu) = await MeasureWithCpuAsync(http, new Uri(ws, "/raw"), settings);
            raw.Add(rate);
            rawCpu.Add(cpu);
            (rate, cpu) = await MeasureWithCpuAsync(http, new Uri(ws, "/asgi"), settings);
            asgi.Add(rate);
            asgiCpu.Add(cpu);
            Console.WriteLine($"round {round + 1}: raw {raw[^1],10:N0} msg/s ({rawCpu[^1]:0.0} us server CPU/msg)   asgi {asgi[^1],10:N0} msg/s ({asgiCpu[^1]:0.0} us/msg)   ratio {asgi[^1] / raw[^1]:0.00}x");
        }

        var rawMedian = Median(raw);
        var asgiMedian = Median(asgi);
        Console.WriteLine($"median: raw {rawMedian:N0} msg/s, asgi {asgiMedian:N0} msg/s, asgi/raw = {asgiMedian / rawMedian:0.00}x");
        Console.WriteLine($"server CPU per message (lower is better): raw {Median(rawCpu):0.0} us, asgi {Median(asgiCpu):0.0} us, raw/asgi efficiency = {Median(rawCpu) / Median(asgiCpu):0.00}x");
    }

    /// <summary>Measures one window and the server's CPU time per echoed message (server CPU divided by messages).</summary>
    private static async Task<(double Rate, double CpuMicrosecondsPerMessage)> MeasureWithCpuAsync(HttpClient http, Uri uri, BenchSettings settings)
    {
        var before = double.Parse(await http.GetStringAsync("/cpu"), CultureInfo.InvariantCulture);
        var rate = await MeasureAsync(uri, settings, settings.Window);
        var after = double.Parse(await http.GetStringAsync("/cpu"), CultureInfo.InvariantCulture);
        return (rate, (after - before) * 1000 / (rate * settings.Window.TotalSeconds));
    }

    private static async Task<double> MeasureAsync(Uri uri, BenchSettings settings, TimeSpan duration)
    {
        var sockets = new ClientWebSocket[settings.Connections];
        for (var i = 0; i < sockets.Length; i++)
        {
            sockets[i] = new ClientWebSocket();
            await sockets[i].ConnectAsync(uri, CancellationToken.None);
        }

        long count = 0;
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var loops = sockets.Select(socket => Task.Run(async () =>
        {
            var payload = new byte[settings.MessageSize];
            var buffer = new byte[Math.Max(4096, settings.MessageSize)];
            while (!stop.IsCancellationRequested)
            {
                await socket.SendAsync(payload, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                }
                while (!result.EndOfMessage);

                Interlocked.Increment(ref count);
            }
        })).ToArray();

        stop.CancelAfter(duration);
        await Task.WhenAll(loops);
        var rate = Interlocked.Read(ref count) / clock.Elapsed.TotalSeconds;
        foreach (var socket in sockets)
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            socket.Dispose();
        }

        return rate;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
