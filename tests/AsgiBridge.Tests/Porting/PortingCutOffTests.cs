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
/// 200 HTTP/1.1 tries got the reset first, so it is tried 200 times. HTTP/2 (RST_STREAM after the flushed DATA frames) is
/// not in the default run: on h2c only about 10% of tries receive the flushed bytes before the reset (an engine bug reported
/// to the lead with this test's HTTP/2 case as the reproduction).
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

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    public async Task Every_flushed_byte_arrives_before_the_truncation_in_all_tries(KestrelProtocol protocol)
    {
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
