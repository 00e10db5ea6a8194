using System.Diagnostics;
using System.Globalization;

namespace ShutdownBench;

/// <summary>
/// Issue 12.2's measure: a process holding WebSockets and SSE streams gets SIGTERM. <c>run</c> (the default) starts
/// <c>server</c> as a child process, connects the clients, sends SIGTERM and reports exit code, time to exit, the
/// WebSocket clients' close codes, how many SSE streams ended cleanly and whether lifespan shutdown completed.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "run";
        return mode switch
        {
            "server" => await BenchServer.RunAsync(),
            "run" => await RunAsync(Settings.FromEnvironment()),
            _ => Usage(),
        };
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: ShutdownBench [run|server]   (SHUTDOWN_WEBSOCKETS, SHUTDOWN_SSE, SHUTDOWN_HTTP2_SHARE)");
        return 2;
    }

    private static async Task<int> RunAsync(Settings settings)
    {
        using var server = BenchServer.StartChild(Environment.ProcessPath!, typeof(Program).Assembly.Location);
        var (http1, http2) = await server.WaitForAddressesAsync();
        Console.WriteLine($"server pid {server.Pid}: HTTP/1.1 {http1}, h2c {http2}");

        await using var clients = new BenchClients(http1, http2);
        var opening = Stopwatch.StartNew();
        await clients.OpenAsync(settings);
        Console.WriteLine($"open: {clients.WebSocketCount} WebSockets ({clients.Http2WebSocketCount} over HTTP/2), {clients.SseCount} SSE streams ({clients.Http2SseCount} over HTTP/2) in {opening.Elapsed.TotalSeconds:0.0} s");
        await clients.WaitForFirstEventsAsync();

        var stopping = Stopwatch.StartNew();
        clients.MarkSignal();
        server.SendSigterm();
        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var exitTime = stopping.Elapsed;
        var results = await clients.CollectAsync(TimeSpan.FromSeconds(10));

        Console.WriteLine();
        Console.WriteLine($"exit code:              {(exitCode is { } code ? code.ToString(CultureInfo.InvariantCulture) : "did not exit within 60 s")}");
        Console.WriteLine($"time to exit:           {exitTime.TotalMilliseconds:0} ms after SIGTERM");
        Console.WriteLine($"WebSocket close codes:  {string.Join(", ", results.CloseCodes.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value}"))}");
        Console.WriteLine($"  slowest close seen:   {results.SlowestClose.TotalMilliseconds:0} ms after SIGTERM");
        Console.WriteLine($"SSE streams:            {results.SseClean} of {clients.SseCount} ended cleanly ({results.SseFailed} with an error)");
        Console.WriteLine($"lifespan shutdown:      {(server.Output.Any(l => l.Contains(BenchServer.LifespanDoneMarker, StringComparison.Ordinal)) ? "completed" : "NOT completed")}");
        Console.WriteLine($"drain cut warning:      {(server.Output.Any(l => l.Contains("still open after the drain", StringComparison.Ordinal)) ? "yes" : "no")}");
        return exitCode == 0 ? 0 : 1;
    }
}

/// <summary>How many connections of each kind, from SHUTDOWN_* environment variables.</summary>
public sealed record Settings(int WebSockets, int Sse, double Http2Share)
{
    public static Settings FromEnvironment() => new(
        Int("SHUTDOWN_WEBSOCKETS", 1000),
        Int("SHUTDOWN_SSE", 100),
        double.TryParse(Environment.GetEnvironmentVariable("SHUTDOWN_HTTP2_SHARE"), NumberStyles.Float, CultureInfo.InvariantCulture, out var share) ? share : 0.5);

    private static int Int(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
