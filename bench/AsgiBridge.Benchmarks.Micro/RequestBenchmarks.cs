using AsgiBridge.Benchmarks.Apps;
using AsgiBridge.Benchmarks.Harness;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.AspNetCore.Http;

namespace AsgiBridge.Benchmarks;

/// <summary>
/// GET requests on an in-memory <see cref="HttpContext"/>: raw <c>app.Run</c> (baseline) against the same app
/// through <c>UseAsgi</c>. Bridge-own allocation per request = Allocated(asgi) − Allocated(raw).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class GetBenchmarks
{
    private readonly ReusableHttpContext _hello = new("GET", BenchPayloads.HelloPath);
    private readonly ReusableHttpContext _big = new("GET", BenchPayloads.BigPath);
    private readonly ReusableHttpContext _helloHeaders = new("GET", BenchPayloads.HelloPath, extraHeaders: ReusableHttpContext.BrowserHeaders);
    private RequestDelegate _asgi = null!;

    /// <summary>Builds the bridge and checks both delegates answer correctly.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _asgi = BridgeDelegates.CreateAsgi();
        BridgeDelegates.Verify("raw hello", BridgeDelegates.Raw, _hello, BenchPayloads.Hello.Length);
        BridgeDelegates.Verify("asgi hello", _asgi, _hello, BenchPayloads.Hello.Length);
        BridgeDelegates.Verify("raw hello + headers", BridgeDelegates.Raw, _helloHeaders, BenchPayloads.Hello.Length);
        BridgeDelegates.Verify("asgi hello + headers", _asgi, _helloHeaders, BenchPayloads.Hello.Length);
        BridgeDelegates.Verify("raw 64k", BridgeDelegates.Raw, _big, BenchPayloads.BigSize);
        BridgeDelegates.Verify("asgi 64k", _asgi, _big, BenchPayloads.BigSize);
    }

    /// <summary>GET / (13 bytes), raw.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("GET hello")]
    public void RawHello() => BridgeDelegates.Invoke(BridgeDelegates.Raw, _hello);

    /// <summary>GET / (13 bytes) through the bridge.</summary>
    [Benchmark]
    [BenchmarkCategory("GET hello")]
    public void AsgiHello() => BridgeDelegates.Invoke(_asgi, _hello);

    /// <summary>GET / with the ten browser headers of run.sh's hellohdrs, raw.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("GET hello + 10 headers")]
    public void RawHelloHeaders() => BridgeDelegates.Invoke(BridgeDelegates.Raw, _helloHeaders);

    /// <summary>GET / with the ten browser headers through the bridge.</summary>
    [Benchmark]
    [BenchmarkCategory("GET hello + 10 headers")]
    public void AsgiHelloHeaders() => BridgeDelegates.Invoke(_asgi, _helloHeaders);

    /// <summary>GET /64k, raw.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("GET 64k")]
    public void Raw64k() => BridgeDelegates.Invoke(BridgeDelegates.Raw, _big);

    /// <summary>GET /64k through the bridge.</summary>
    [Benchmark]
    [BenchmarkCategory("GET 64k")]
    public void Asgi64k() => BridgeDelegates.Invoke(_asgi, _big);
}

/// <summary>
/// POST /echo with a 16 KiB body that arrives in chunks of <see cref="ChunkSize"/> bytes; both variants read the
/// whole body, then answer with it. Bridge-own allocation per request = Allocated(asgi) − Allocated(raw).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class EchoBenchmarks
{
    private ReusableHttpContext _echo = null!;
    private RequestDelegate _asgi = null!;

    /// <summary>How many body bytes each read of the request body yields (16384: the whole body at once).</summary>
    [Params(16384, 4096)]
    public int ChunkSize { get; set; }

    /// <summary>Builds the bridge and checks both delegates echo correctly.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var payload = new byte[BenchPayloads.EchoSize];
        Array.Fill(payload, (byte)'a');
        _echo = new ReusableHttpContext("POST", BenchPayloads.EchoPath, payload, ChunkSize);
        _asgi = BridgeDelegates.CreateAsgi();
        BridgeDelegates.Verify("raw echo", BridgeDelegates.Raw, _echo, BenchPayloads.EchoSize);
        BridgeDelegates.Verify("asgi echo", _asgi, _echo, BenchPayloads.EchoSize);
    }

    /// <summary>POST /echo 16 KiB, raw.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("POST echo 16k")]
    public void RawEcho() => BridgeDelegates.Invoke(BridgeDelegates.Raw, _echo);

    /// <summary>POST /echo 16 KiB through the bridge.</summary>
    [Benchmark]
    [BenchmarkCategory("POST echo 16k")]
    public void AsgiEcho() => BridgeDelegates.Invoke(_asgi, _echo);
}
