using System.Runtime.CompilerServices;
using System.Text;
using AsgiBridge.TestInfrastructure.Http;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.TestInfrastructure.WebSockets;

namespace AsgiBridge.Toolkit.Tests.ServerSentEvents;

/// <summary>
/// The SSE keep-alive comment: its default (15 s, under common proxy idle timeouts), its validation, and on real Kestrel
/// (raw HTTP/1.1 bytes and HTTP/2) the comments a proxy would see on the wire while the producer is silent.
/// </summary>
public sealed class KeepAliveTests
{
    [Fact]
    public void The_default_interval_is_15_seconds_and_infinite_turns_comments_off()
    {
        Assert.Equal(TimeSpan.FromSeconds(15), new ServerSentEventsResponse(SilentAsync).KeepAliveInterval);
        Assert.Equal(Timeout.InfiniteTimeSpan, new ServerSentEventsResponse(SilentAsync, Timeout.InfiniteTimeSpan).KeepAliveInterval);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_zero_or_negative_interval_is_refused(int milliseconds)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ServerSentEventsResponse(SilentAsync, TimeSpan.FromMilliseconds(milliseconds)));
        Assert.Equal("keepAliveInterval", error.ParamName);
    }

    [Fact]
    public async Task The_first_comment_follows_the_headers_on_the_raw_HTTP1_wire()
    {
        await using var host = await KestrelTestHost.StartAsync(new ServerSentEventsResponse(SilentAsync, TimeSpan.FromMilliseconds(100)).ToApp());
        await using var connection = await RawHttpConnection.ConnectAsync(host.Http1Address);
        await connection.SendAsync("GET /events HTTP/1.1\r\nHost: test\r\n\r\n");

        // What an intermediary reads: the headers (no buffering asked), then a comment, and no event.
        var seen = await connection.ReadUntilAsync(": keep-alive\n\n", ClientMessages.Timeout);
        Assert.Contains("content-type: text/event-stream", seen, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("x-accel-buffering: no", seen, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("cache-control: no-cache", seen, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("data:", seen, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task A_silent_stream_sends_a_comment_every_interval(KestrelProtocol protocol)
    {
        await using var host = await KestrelTestHost.StartAsync(new ServerSentEventsResponse(SilentAsync, TimeSpan.FromMilliseconds(100)).ToApp());
        var http = host.CreateClient(protocol);
        using var response = await http.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(body, Encoding.UTF8);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(": keep-alive", await reader.ReadLineAsync().WaitAsync(ClientMessages.Timeout));
            Assert.Equal(string.Empty, await reader.ReadLineAsync().WaitAsync(ClientMessages.Timeout));
        }
    }

    /// <summary>A producer with nothing to say until the client leaves.</summary>
    private static async IAsyncEnumerable<ServerSentEvent> SilentAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        yield break;
    }
}
