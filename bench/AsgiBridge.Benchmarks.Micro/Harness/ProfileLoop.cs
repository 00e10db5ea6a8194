using System.Diagnostics;

namespace AsgiBridge.Benchmarks.Harness;

/// <summary>
/// Runs one GET case in a loop for a while, for a sampling profiler to attach to (<c>perf record</c> with
/// <c>DOTNET_PerfMapEnabled=1</c>), and prints the mean time per request.
/// </summary>
public static class ProfileLoop
{
    /// <summary>Runs the case.</summary>
    /// <param name="which">
    /// <c>asgi</c>, <c>asgi-pooled</c> (pooled request body buffers) or <c>raw</c>, optionally followed by <c>-headers</c> (GET with the ten browser headers) or <c>-echo</c>
    /// (POST of 16 KiB that arrives in one read, echoed).
    /// </param>
    /// <param name="seconds">How long to run after a one-second warm-up.</param>
    /// <param name="output">Where the result goes.</param>
    public static void Run(string which, double seconds, TextWriter output)
    {
        var headers = which.EndsWith("-headers", StringComparison.Ordinal);
        var echo = which.EndsWith("-echo", StringComparison.Ordinal);
        var payload = new byte[16384];
        var context = echo
            ? new ReusableHttpContext("POST", Apps.BenchPayloads.EchoPath, payload, payload.Length)
            : new ReusableHttpContext("GET", Apps.BenchPayloads.HelloPath, extraHeaders: headers ? ReusableHttpContext.BrowserHeaders : null);
        var handler = which.StartsWith("raw", StringComparison.Ordinal) ? BridgeDelegates.Raw
            : which.StartsWith("asgi-pooled", StringComparison.Ordinal)
                ? BridgeDelegates.CreateAsgi(Apps.AsgiBenchApp.Run, o => o.RequestBodyBuffers = Hosting.AsgiRequestBodyBuffers.Pooled)
                : BridgeDelegates.CreateAsgi();
        BridgeDelegates.Verify(which, handler, context, echo ? payload.Length : Apps.BenchPayloads.Hello.Length);
        Loop(handler, context, TimeSpan.FromSeconds(1));
        var (requests, elapsed) = Loop(handler, context, TimeSpan.FromSeconds(seconds));
        output.WriteLine($"{which}: {requests:N0} requests, {elapsed.TotalNanoseconds / requests:F1} ns per request");
    }

    private static (long Requests, TimeSpan Elapsed) Loop(Microsoft.AspNetCore.Http.RequestDelegate handler, ReusableHttpContext context, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        long requests = 0;
        while (clock.Elapsed < duration)
        {
            for (var i = 0; i < 1000; i++)
            {
                BridgeDelegates.Invoke(handler, context);
            }

            requests += 1000;
        }

        return (requests, clock.Elapsed);
    }
}
