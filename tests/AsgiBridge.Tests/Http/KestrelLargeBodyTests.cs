using System.Security.Cryptography;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.TestInfrastructure.WebSockets;
using AsgiBridge.Tests.Infrastructure;
using Xunit.Abstractions;

namespace AsgiBridge.Tests.Http;

/// <summary>
/// Real Kestrel tier: 100 MiB up and down in flat memory. The evidence is a flow-control bound: at every step the
/// sender is never more than <see cref="MaxInFlight"/> ahead of the receiver, so neither the bridge nor anything
/// around it buffers the body whole (a buffering bridge would let the whole 100 MiB pile up first). Runs alone so
/// the heap measurement is not disturbed by other tests.
/// </summary>
[Collection(nameof(LargeBodyTransfers))]
public sealed class KestrelLargeBodyTests(ITestOutputHelper output)
{
    private const long Total = 100L * 1024 * 1024;
    private const long MaxInFlight = 32L * 1024 * 1024;
    private const int Piece = 64 * 1024;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Upload_of_100_MiB_streams_through_in_flat_memory(KestrelProtocol protocol)
    {
        long appReceived = 0, maxAhead = 0, maxChunk = 0, messages = 0;
        using var appHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var server = await KestrelTestHost.StartAsync(async (_, receive, send) =>
        {
            while (true)
            {
                var body = (HttpRequestBody)await receive();
                appHash.AppendData(body.Body.Span);
                Interlocked.Add(ref appReceived, body.Body.Length);
                maxChunk = Math.Max(maxChunk, body.Body.Length);
                messages++;
                if (!body.MoreBody)
                {
                    break;
                }
            }

            await AsgiTestApps.SendTextAsync(send, 200, Convert.ToHexString(appHash.GetHashAndReset()));
        }, KestrelTestHost.LifespanOff,
        kestrel: kestrel => kestrel.Limits.MaxRequestBodySize = null); // Kestrel's default limit is 30 MB.

        using var clientHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var heap = new HeapSampler();
        var content = new StreamingContent(async stream =>
        {
            var buffer = new byte[Piece];
            long written = 0;
            while (written < Total)
            {
                Fill(buffer, written);
                clientHash.AppendData(buffer);
                await stream.WriteAsync(buffer);
                written += buffer.Length;
                maxAhead = Math.Max(maxAhead, written - Interlocked.Read(ref appReceived));
                heap.Sample();
            }
        });

        using var response = await server.CreateClient(protocol).PostAsync("/", content).WaitAsync(s_timeout);
        var expected = Convert.ToHexString(clientHash.GetHashAndReset());
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
        output.WriteLine($"upload {protocol}: {messages} messages, largest {maxChunk} B, max ahead {maxAhead} B, heap growth {heap.MaxGrowth} B");
        Assert.True(messages > 100, $"expected the body in many chunks, got {messages}");
        Assert.True(maxAhead < MaxInFlight, $"client got {maxAhead} bytes ahead of the app: the body is being buffered");
        Assert.True(heap.MaxGrowth < Total / 2, $"managed heap grew by {heap.MaxGrowth} bytes during a {Total}-byte upload");
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Download_of_100_MiB_streams_through_in_flat_memory(KestrelProtocol protocol)
    {
        long clientRead = 0, maxAhead = 0;
        using var appHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var heap = new HeapSampler();
        await using var server = await KestrelTestHost.StartAsync(async (_, _, send) =>
        {
            await send(new HttpResponseStart(200, [new("content-type", "application/octet-stream")]));
            long sent = 0;
            while (sent < Total)
            {
                // A fresh buffer per message: the app is free to reuse nothing, the bridge must not keep it.
                var buffer = new byte[Piece];
                Fill(buffer, sent);
                appHash.AppendData(buffer);
                await send(new HttpResponseBody(buffer, moreBody: true));
                sent += buffer.Length;
                maxAhead = Math.Max(maxAhead, sent - Interlocked.Read(ref clientRead));
                heap.Sample();
            }

            await send(HttpResponseBody.Empty);
        }, KestrelTestHost.LifespanOff);

        using var response = await server.CreateClient(protocol).GetAsync("/", HttpCompletionOption.ResponseHeadersRead).WaitAsync(s_timeout);
        Assert.Null(response.Content.Headers.ContentLength);
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var clientHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var readBuffer = new byte[Piece];
        while (true)
        {
            var read = await stream.ReadAsync(readBuffer).AsTask().WaitAsync(s_timeout);
            if (read == 0)
            {
                break;
            }

            clientHash.AppendData(readBuffer, 0, read);
            Interlocked.Add(ref clientRead, read);
        }

        Assert.Equal(Total, clientRead);
        Assert.Equal(Convert.ToHexString(appHash.GetHashAndReset()), Convert.ToHexString(clientHash.GetHashAndReset()));
        output.WriteLine($"download {protocol}: max ahead {maxAhead} B, heap growth {heap.MaxGrowth} B");
        Assert.True(maxAhead < MaxInFlight, $"app got {maxAhead} bytes ahead of the client: the response is being buffered");
        Assert.True(heap.MaxGrowth < Total / 2, $"managed heap grew by {heap.MaxGrowth} bytes during a {Total}-byte download");
    }

    private static void Fill(byte[] buffer, long offset)
    {
        for (var i = 0; i < buffer.Length; i += 8)
        {
            BitConverter.TryWriteBytes(buffer.AsSpan(i), offset + i);
        }
    }

    /// <summary>Samples the managed heap size (without forcing collections) and keeps the largest growth seen.</summary>
    private sealed class HeapSampler
    {
        private readonly long _baseline = GC.GetTotalMemory(forceFullCollection: true);
        private long _max;
        private int _count;

        public long MaxGrowth => Math.Max(0, _max - _baseline);

        public void Sample()
        {
            if (++_count % 64 == 0)
            {
                // Count only what is still reachable: body chunks over 85 KB are large-object garbage that only a full
                // collection frees, and how long it lingers depends on GC budgets earlier tests in the process shaped.
                // Buffering the body would keep the bytes reachable and still fail the test.
                _max = Math.Max(_max, GC.GetTotalMemory(forceFullCollection: true));
            }
        }
    }
}

/// <summary>Large transfers run on their own, after the parallel tests.</summary>
[CollectionDefinition(nameof(LargeBodyTransfers), DisableParallelization = true)]
public sealed class LargeBodyTransfers;
