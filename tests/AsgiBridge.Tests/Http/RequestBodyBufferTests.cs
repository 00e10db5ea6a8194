using System.Runtime.InteropServices;
using AsgiBridge.Hosting;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Features;

namespace AsgiBridge.Tests.Http;

/// <summary>
/// <see cref="AsgiOptions.RequestBodyBuffers"/>: owned chunks outlive the request (Python's <c>bytes</c>); pooled chunks
/// are lent until the application returns, stay intact until then, and never show another request's bytes.
/// </summary>
public sealed class RequestBodyBufferTests
{
    private static readonly TimeSpan s_timeout = AsgiTestApps.Timeout;

    private static void Pooled(AsgiOptions options)
    {
        KestrelTestHost.LifespanOff(options);
        options.RequestBodyBuffers = AsgiRequestBodyBuffers.Pooled;
    }

    private static async Task<byte[]> RunOnceAsync(HttpContextHarness.Mounted handler, byte[] body)
    {
        var context = HttpContextHarness.Context(method: "POST");
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        await handler.HandleAsync(context);
        return ((MemoryStream)context.Response.Body).ToArray();
    }

    private static AsgiApp Echo(Action<HttpRequestBody>? seen = null) => async (_, receive, send) =>
    {
        var chunks = await AsgiTestApps.ReadAllAsync(receive);
        chunks.ForEach(c => seen?.Invoke(c));
        await send(new HttpResponseStart(200));
        await send(new HttpResponseBody(AsgiTestApps.Concat(chunks)));
    };

    [Fact]
    public async Task Owned_chunks_are_exact_arrays_that_outlive_the_request()
    {
        HttpRequestBody? kept = null;
        var handler = HttpContextHarness.Handler(Echo(c => kept ??= c));
        var first = Enumerable.Repeat((byte)'a', 16 * 1024).ToArray();

        await RunOnceAsync(handler, first);
        await RunOnceAsync(handler, Enumerable.Repeat((byte)'b', 16 * 1024).ToArray());

        Assert.NotNull(kept);
        Assert.True(MemoryMarshal.TryGetArray(kept.Body, out var segment));
        Assert.Equal(0, segment.Offset);
        Assert.Equal(first.Length, segment.Array!.Length);
        Assert.Equal(first, kept.Body.ToArray());
    }

    [Fact]
    public async Task Pooled_chunks_are_slices_of_pool_sized_arrays_and_the_echo_is_exact()
    {
        var lent = new List<byte[]>();
        var handler = HttpContextHarness.Handler(Echo(c =>
        {
            Assert.True(MemoryMarshal.TryGetArray(c.Body, out var segment));
            lent.Add(segment.Array!);
        }), options: new AsgiOptions { RequestBodyBuffers = AsgiRequestBodyBuffers.Pooled });

        // A length that is not a pool bucket: the chunk is a slice of a larger rented array, and the echo is exact.
        var body = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();
        Assert.Equal(body, await RunOnceAsync(handler, body));

        var array = Assert.Single(lent);
        Assert.Equal(16 * 1024, array.Length);
    }

    [Fact]
    public async Task Pooled_buffers_save_the_allocation_of_the_body_owned_buffers_make()
    {
        var body = new byte[64 * 1024];
        var owned = HttpContextHarness.Handler(Echo());
        var pooled = HttpContextHarness.Handler(Echo(), options: new AsgiOptions { RequestBodyBuffers = AsgiRequestBodyBuffers.Pooled });

        // A MemoryStream body and response: the whole request runs synchronously on this thread, so the thread's count is exact.
        // The echo app concatenates (one copy of its own in both modes); the bridge's chunk is the difference.
        async Task<long> BytesPerRequestAsync(HttpContextHarness.Mounted handler)
        {
            for (var i = 0; i < 20; i++)
            {
                await RunOnceAsync(handler, body);
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            const int requests = 50;
            for (var i = 0; i < requests; i++)
            {
                var task = RunOnceAsync(handler, body);
                Assert.True(task.IsCompletedSuccessfully, "the in-memory request must complete synchronously to be counted");
                await task;
            }

            return (GC.GetAllocatedBytesForCurrentThread() - before) / requests;
        }

        var ownedBytes = await BytesPerRequestAsync(owned);
        var pooledBytes = await BytesPerRequestAsync(pooled);

        Assert.True(ownedBytes - pooledBytes >= body.Length, $"owned {ownedBytes} B/request, pooled {pooledBytes} B/request");
    }

    [Fact]
    public async Task Pooled_buffers_lend_the_first_MiB_of_a_body_and_later_chunks_are_owned_arrays()
    {
        var context = HttpContextHarness.Context(method: "POST");
        var request = new System.IO.Pipelines.Pipe();
        context.Features.Set<IRequestBodyPipeFeature>(new PipeBody(request.Reader));  // reads return whole pieces
        var chunks = new List<HttpRequestBody>();
        var run = HttpContextHarness.Handler(async (_, receive, send) =>
        {
            chunks.AddRange(await AsgiTestApps.ReadAllAsync(receive));
            await AsgiTestApps.SendTextAsync(send, 200, "ok");
        }, options: new AsgiOptions { RequestBodyBuffers = AsgiRequestBodyBuffers.Pooled }).HandleAsync(context);

        // 3,000-byte pieces, no declared length: whatever reads combine, no chunk is a power of two long, so a rented
        // array (a power of two) is always longer than its chunk, and an owned array exactly as long.
        const int piece = 3000, total = 700 * piece;
        for (var sent = 0; sent < total; sent += piece)
        {
            await request.Writer.WriteAsync(new byte[piece]);
        }

        await request.Writer.CompleteAsync();
        await run.WaitAsync(s_timeout);

        Assert.Equal(total, chunks.Sum(c => c.Body.Length));
        long before = 0, lent = 0;
        foreach (var chunk in chunks)
        {
            Assert.True(MemoryMarshal.TryGetArray(chunk.Body, out var segment));
            var owned = segment.Array!.Length == segment.Count;
            if (!owned)
            {
                lent += segment.Count;
            }

            // Lent while the request's total stays within 1 MiB, owned from the first chunk that would pass it.
            Assert.Equal(before + segment.Count > 1024 * 1024, owned);
            before += segment.Count;
        }

        Assert.InRange(lent, 1024 * 1024 - (64 * 1024), 1024 * 1024);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Pooled_chunks_of_a_streamed_body_stay_intact_until_the_app_returns(KestrelProtocol protocol)
    {
        var gotChunk = new SemaphoreSlim(0);
        await using var server = await KestrelTestHost.StartAsync(async (_, receive, send) =>
        {
            // Kept without copying, as starlette's request.body() keeps its chunks, and joined only at the end.
            var chunks = new List<HttpRequestBody>();
            while (true)
            {
                var chunk = (HttpRequestBody)await receive();
                chunks.Add(chunk);
                gotChunk.Release();
                if (!chunk.MoreBody)
                {
                    break;
                }
            }

            await send(new HttpResponseStart(200));
            await send(new HttpResponseBody(AsgiTestApps.Concat(chunks)));
        }, Pooled);

        var pieces = Enumerable.Range(0, 8).Select(i => Enumerable.Repeat((byte)('a' + i), 3000 + (i * 100)).ToArray()).ToArray();
        var content = new StreamingContent(async stream =>
        {
            foreach (var piece in pieces)
            {
                await stream.WriteAsync(piece);
                await stream.FlushAsync();

                // One piece per receive: each chunk is rented after the previous one was handed out.
                Assert.True(await gotChunk.WaitAsync(s_timeout));
            }
        });

        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = content };
        using var response = await server.CreateClient(protocol).SendAsync(request);
        Assert.Equal(pieces.SelectMany(p => p).ToArray(), await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Each_request_sees_only_its_own_bytes_with_pooled_buffers(KestrelProtocol protocol)
    {
        await using var server = await KestrelTestHost.StartAsync(Echo(), Pooled);
        using var client = server.CreateClient(protocol);

        // Shrinking bodies with a different byte each: a reused array still holds the previous, longer body behind the
        // chunk, so any byte past the chunk's length, or left from another request, would show in the echo.
        for (var i = 0; i < 40; i++)
        {
            var body = Enumerable.Repeat((byte)('A' + (i % 26)), 40_000 - (i * 997)).ToArray();
            using var response = await client.PostAsync("/", new ByteArrayContent(body));
            Assert.Equal(body, await response.Content.ReadAsByteArrayAsync());
        }
    }

    private sealed class PipeBody(System.IO.Pipelines.PipeReader reader) : IRequestBodyPipeFeature
    {
        public System.IO.Pipelines.PipeReader Reader => reader;
    }
}
