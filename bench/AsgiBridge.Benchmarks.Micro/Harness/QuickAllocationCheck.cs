using AsgiBridge.Benchmarks.Apps;
using AsgiBridge.Hosting;
using Microsoft.AspNetCore.Http;

namespace AsgiBridge.Benchmarks.Harness;

/// <summary>
/// A quick, deterministic allocation count without BenchmarkDotNet: warms each case up, then divides the bytes the
/// thread allocated over many requests by the request count. Same harness and delegates as the benchmarks.
/// </summary>
public static class QuickAllocationCheck
{
    private const int Warmup = 20_000;
    private const int Requests = 100_000;
    private const int MaxAttempts = 20;
    private static readonly TimeSpan WarmupTime = TimeSpan.FromSeconds(4);

    /// <summary>Measures every case and prints one line each, with bridge-own bytes (asgi − raw).</summary>
    /// <param name="output">Where to print.</param>
    public static void Run(TextWriter output)
    {
        var asgi = BridgeDelegates.CreateAsgi();
        var payload = new byte[BenchPayloads.EchoSize];
        Array.Fill(payload, (byte)'a');
        (string Name, ReusableHttpContext Context)[] cases =
        [
            ("GET hello", new ReusableHttpContext("GET", BenchPayloads.HelloPath)),
            ("GET 64k", new ReusableHttpContext("GET", BenchPayloads.BigPath)),
            ("GET 64k (async flush)", new ReusableHttpContext("GET", BenchPayloads.BigPath, asyncFlushes: true)),
            ("POST echo 16k (1 chunk)", new ReusableHttpContext("POST", BenchPayloads.EchoPath, payload, 16384)),
            ("POST echo 16k (4 KiB chunks)", new ReusableHttpContext("POST", BenchPayloads.EchoPath, payload, 4096)),
        ];

        var user = BridgeDelegates.CreateAsgi(AsgiUserApp.Run);
        var dict = BridgeDelegates.CreateAsgi(AsgiDictApp.App);
        var pooled = BridgeDelegates.CreateAsgi(AsgiBenchApp.Run, o => o.RequestBodyBuffers = AsgiRequestBodyBuffers.Pooled);
        WarmUp([BridgeDelegates.Raw, asgi, user, dict, pooled], cases.Select(c => c.Context).ToArray());
        output.WriteLine($"{"case",-30} {"raw B/req",10} {"asgi B/req",11} {"bridge-own B/req",17} {"asgi-user B/req",16} {"asgi-dict B/req",16} {"asgi-pooled B/req",18}");
        foreach (var (name, context) in cases)
        {
            var raw = BytesPerRequest(BridgeDelegates.Raw, context);
            var bridged = BytesPerRequest(asgi, context);
            var userBytes = BytesPerRequest(user, context);
            var dictBytes = BytesPerRequest(dict, context);
            var pooledBytes = BytesPerRequest(pooled, context);
            output.WriteLine($"{name,-30} {raw,10:F1} {bridged,11:F1} {bridged - raw,17:F1} {userBytes,16:F1} {dictBytes,16:F1} {pooledBytes,18:F1}");
        }

        output.WriteLine("asgi-user and asgi-dict: bridge plus application (messages, header list, body copies) per request.");
        output.WriteLine("asgi-pooled: the tuned app with AsgiOptions.RequestBodyBuffers = Pooled (request body chunks lent from ArrayPool).");
    }

    /// <summary>
    /// Runs every case on every delegate, round after round, for <see cref="WarmupTime"/>: long enough in time, not only in
    /// count, for tiered compilation to replace the first code of every path (unoptimised code allocates what optimised code
    /// keeps on the stack, and on one core the compiler shares the CPU with the loop).
    /// </summary>
    private static void WarmUp(RequestDelegate[] handlers, ReusableHttpContext[] contexts)
    {
        var warming = System.Diagnostics.Stopwatch.StartNew();
        while (warming.Elapsed < WarmupTime)
        {
            foreach (var handler in handlers)
            {
                foreach (var context in contexts)
                {
                    for (var i = 0; i < 100; i++)
                    {
                        BridgeDelegates.Invoke(handler, context);
                    }
                }
            }
        }
    }

    private static double BytesPerRequest(RequestDelegate handler, ReusableHttpContext context)
    {
        for (var i = 0; i < Warmup; i++)
        {
            BridgeDelegates.Invoke(handler, context);
        }

        // Measured until two runs in a row agree: on a slow or busy machine tiered compilation may still be replacing code
        // after the warm-up, and the first runs then count what unoptimised code allocates.
        var last = Measure(handler, context);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var next = Measure(handler, context);
            if (Math.Abs(next - last) < 1)
            {
                return next;
            }

            last = next;
        }

        return last;
    }

    private static double Measure(RequestDelegate handler, ReusableHttpContext context)
    {
        // Process-wide and precise: with asynchronous flushes, continuations (and what they allocate) run on the pool.
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < Requests; i++)
        {
            BridgeDelegates.Invoke(handler, context);
        }

        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)Requests;
    }
}
