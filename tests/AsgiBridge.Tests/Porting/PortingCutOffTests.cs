using System.Diagnostics;
using System.Text;
using AsgiBridge.Hosting;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Http;
using AsgiBridge.TestInfrastructure.Kestrel;
using Xunit.Abstractions;

namespace AsgiBridge.Tests.Porting;

/// <summary>
/// Issue 11.3 on real Kestrel: when the app fails after flushing <c>more_body</c> chunks, the client receives every byte
/// <c>send</c> reported as sent and then sees a truncated response — never a bare reset. Before the engine rewrite most of
/// 200 HTTP/1.1 tries got the reset first, so it is tried 200 times. On HTTP/2 the frames are read raw: Kestrel used to
/// reset the stream ahead of DATA it had accepted (only 20 of 200 tries carried them), and HttpClient discards DATA that
/// arrives in the same read as the reset, so only a raw client can show what the server wrote.
/// </summary>
public sealed class PortingCutOffTests(ITestOutputHelper output)
{
    private const int Tries = 200;
    private static readonly string s_expected = string.Concat(Enumerable.Range(0, 3).Select(Chunk));

    private static string Chunk(int i) => $"chunk {i} " + new string((char)('a' + i), 1000) + "\n";

    private static async Task FlushThenFail(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        await send(new HttpResponseStart(200, [new("content-type", "text/plain")]));
        for (var i = 0; i < 3; i++)
        {
            await send(new HttpResponseBody(Encoding.ASCII.GetBytes(Chunk(i)), moreBody: true));
        }

        throw new InvalidOperationException("failed after flushing three chunks");
    }

    [Fact]
    public async Task Every_flushed_byte_arrives_before_the_truncation_in_all_tries()
    {
        const KestrelProtocol protocol = KestrelProtocol.Http1;
        await using var host = await KestrelTestHost.StartAsync(FlushThenFail);
        var client = host.CreateClient(protocol);
        var complete = 0;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Tries; i++)
        {
            using var response = await client.GetAsync(new Uri("/", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
            var received = new MemoryStream();
            Exception? cut = null;
            try
            {
                await (await response.Content.ReadAsStreamAsync()).CopyToAsync(received);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                cut = ex;
            }

            Assert.NotNull(cut); // truncated, never a complete-looking body
            if (Encoding.ASCII.GetString(received.ToArray()) == s_expected)
            {
                complete++;
            }

            var outcome = await host.WaitForOutcomeAsync(response);
            Assert.True(outcome.ResponseTruncated);
            Assert.Equal(AsgiConnectionEnd.ApplicationError, outcome.End);
        }

        output.WriteLine($"{protocol}: {complete}/{Tries} tries received all flushed bytes before the cut-off ({clock.ElapsedMilliseconds} ms)");
        Assert.Equal(Tries, complete);
    }

    [Fact]
    public async Task Over_http2_every_flushed_data_frame_precedes_the_reset_in_all_tries()
    {
        await using var host = await KestrelTestHost.StartAsync(FlushThenFail);
        var complete = 0;
        for (var i = 0; i < Tries; i++)
        {
            var exchange = await RawHttp2Connection.GetAsync(host.Http2Address);

            Assert.Equal(Http2StreamEnd.Reset, exchange.End);
            Assert.Equal("HEADERS", exchange.Frames[0]);
            Assert.Equal("RST_STREAM", exchange.Frames[^1]);
            Assert.StartsWith(Encoding.ASCII.GetString(exchange.Body), s_expected, StringComparison.Ordinal);
            if (Encoding.ASCII.GetString(exchange.Body) == s_expected)
            {
                complete++;
            }
        }

        output.WriteLine($"Http2: {complete}/{Tries} tries carried every flushed byte before RST_STREAM");
        Assert.Equal(Tries, complete);
    }

    [Fact]
    public async Task Over_http2_httpclient_sees_a_reset_and_never_a_complete_looking_body()
    {
        await using var host = await KestrelTestHost.StartAsync(FlushThenFail);
        var client = host.CreateClient(KestrelProtocol.Http2);
        for (var i = 0; i < 20; i++)
        {
            using var response = await client.GetAsync(new Uri("/", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
            var received = new MemoryStream();
            var cut = await Record.ExceptionAsync(async () => await (await response.Content.ReadAsStreamAsync()).CopyToAsync(received));

            Assert.True(cut is IOException or HttpRequestException, $"expected a reset, got {cut?.GetType().Name ?? "a complete body"}");
            Assert.StartsWith(Encoding.ASCII.GetString(received.ToArray()), s_expected, StringComparison.Ordinal);
            Assert.True((await host.WaitForOutcomeAsync(response)).ResponseTruncated);
        }
    }

    [Fact]
    public async Task Over_http1_the_connection_closes_after_the_flushed_chunks_without_a_terminating_chunk()
    {
        await using var host = await KestrelTestHost.StartAsync(FlushThenFail);
        await using var connection = await RawHttpConnection.ConnectAsync(host.Http1Address);

        await connection.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        var received = await connection.ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", received, StringComparison.Ordinal);
        Assert.Contains("Transfer-Encoding: chunked", received, StringComparison.OrdinalIgnoreCase);
        foreach (var i in Enumerable.Range(0, 3))
        {
            Assert.Contains(Chunk(i), received, StringComparison.Ordinal);
        }

        Assert.False(received.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal), "a terminating chunk was sent");
    }
}
