using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using AsgiBridge.Messages;
using AsgiBridge.Testing;
using AsgiBridge.Toolkit;
using Microsoft.AspNetCore.Builder;
using AsgiBridge.TestInfrastructure.Kestrel;

namespace AsgiBridge.Toolkit.Tests.Responses;

public sealed class ServerSentEventsTests
{
    private static string Text(HttpResponseBody body) => Encoding.UTF8.GetString(body.Body.Span);

    /// <summary>Reads what the application sends until a body chunk matches <paramref name="predicate"/>.</summary>
    private static async Task<HttpResponseBody> NextBodyAsync(AsgiCommunicator communicator, Func<HttpResponseBody, bool> predicate)
    {
        while (true)
        {
            if (await communicator.ReceiveOutputAsync(Asgi.Timeout) is HttpResponseBody body && predicate(body))
            {
                return body;
            }
        }
    }

    [Fact]
    public void Event_formatting_with_every_field_and_multi_line_data()
    {
        var bytes = new ServerSentEvent("line one\nline two\r\nline three", Event: "update", Id: "42", Retry: TimeSpan.FromSeconds(3)).ToBytes();

        Assert.Equal("event: update\nid: 42\nretry: 3000\ndata: line one\ndata: line two\ndata: line three\n\n", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void Event_formatting_with_data_only_and_empty_data()
    {
        Assert.Equal("data: hello\n\n", Encoding.UTF8.GetString(new ServerSentEvent("hello").ToBytes()));
        Assert.Equal("data: \n\n", Encoding.UTF8.GetString(new ServerSentEvent(string.Empty).ToBytes()));
        Assert.Equal("data: caf\u00e9\n\n", Encoding.UTF8.GetString(new ServerSentEvent("caf\u00e9").ToBytes()));
    }

    [Fact]
    public void Only_cr_lf_and_crlf_split_data_lines()
    {
        var bytes = new ServerSentEvent("a\rb\r\n\nc\u2028d\u0085e\ff").ToBytes();

        Assert.Equal("data: a\ndata: b\ndata: \ndata: c\u2028d\u0085e\ff\n\n", Encoding.UTF8.GetString(bytes));
        Assert.Equal("data: end\ndata: \n\n", Encoding.UTF8.GetString(new ServerSentEvent("end\n").ToBytes()));
    }

    [Fact]
    public void Event_name_or_id_with_a_line_break_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new ServerSentEvent("x", Event: "a\nb").ToBytes());
        Assert.Throws<ArgumentException>(() => new ServerSentEvent("x", Id: "1\r2").ToBytes());
    }

    [Fact]
    public async Task Response_headers_and_events_in_order()
    {
        static async IAsyncEnumerable<ServerSentEvent> Events([EnumeratorCancellation] CancellationToken token)
        {
            await Task.Yield();
            yield return new ServerSentEvent("1", Id: "1");
            yield return new ServerSentEvent("2", Event: "tick");
        }

        var response = await Asgi.RunHttpAsync(new ServerSentEventsResponse(Events).ToApp(), Asgi.Http("/events"));

        Assert.Equal(200, response.Status);
        Assert.Equal("text/event-stream; charset=utf-8", response.Header("content-type"));
        Assert.Equal("no-cache", response.Header("cache-control"));
        Assert.Null(response.Header("content-length"));
        Assert.Equal("id: 1\ndata: 1\n\nevent: tick\ndata: 2\n\n", response.Text);
        Assert.True(response.Complete);
    }

    [Fact]
    public async Task Keep_alive_comment_is_sent_when_idle_for_the_interval()
    {
        var next = Channel.CreateUnbounded<ServerSentEvent>();
        async IAsyncEnumerable<ServerSentEvent> Events([EnumeratorCancellation] CancellationToken token)
        {
            await foreach (var item in next.Reader.ReadAllAsync(token))
            {
                yield return item;
            }
        }

        // The first event is queued before the response starts, so it cannot lose a race with the 30 ms keep-alive.
        next.Writer.TryWrite(new ServerSentEvent("first"));
        await using var communicator = new AsgiCommunicator(new ServerSentEventsResponse(Events, TimeSpan.FromMilliseconds(30)).ExecuteAsync, Asgi.Http("/"));
        await communicator.SendInputAsync(HttpRequestBody.Empty);

        Assert.Equal("data: first\n\n", Text(await NextBodyAsync(communicator, b => !b.Body.IsEmpty)));
        Assert.Equal(": keep-alive\n\n", Text(await NextBodyAsync(communicator, b => !b.Body.IsEmpty)));
        next.Writer.TryWrite(new ServerSentEvent("second"));
        await NextBodyAsync(communicator, b => Text(b) == "data: second\n\n");
        next.Writer.Complete();
        await NextBodyAsync(communicator, b => !b.MoreBody);

        // A spec-following server: once the response is complete, receive yields http.disconnect.
        await communicator.SendInputAsync(HttpDisconnect.Instance);
        await communicator.WaitAsync(Asgi.Timeout);
    }

    [Fact]
    public async Task No_keep_alive_when_events_keep_coming()
    {
        static async IAsyncEnumerable<ServerSentEvent> Events([EnumeratorCancellation] CancellationToken token)
        {
            for (var i = 0; i < 20; i++)
            {
                await Task.Yield();
                yield return new ServerSentEvent(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        var response = await Asgi.RunHttpAsync(new ServerSentEventsResponse(Events, TimeSpan.FromHours(1)).ToApp(), Asgi.Http("/"));

        Assert.DoesNotContain("keep-alive", response.Text, StringComparison.Ordinal);
        Assert.Equal(20, response.Text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Client_going_away_cancels_the_producer_and_ends_cleanly()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async IAsyncEnumerable<ServerSentEvent> Events([EnumeratorCancellation] CancellationToken token)
        {
            try
            {
                yield return new ServerSentEvent("hello");
                await Task.Delay(Timeout.Infinite, token);
                yield return new ServerSentEvent("never");
            }
            finally
            {
                // Set here rather than in a token callback: the callback could be unregistered before it runs.
                if (token.IsCancellationRequested)
                {
                    cancelled.TrySetResult();
                }
            }
        }

        var response = new ServerSentEventsResponse(Events, TimeSpan.FromMilliseconds(20));
        await using var communicator = new AsgiCommunicator(response.ExecuteAsync, Asgi.Http("/"));
        await communicator.SendInputAsync(HttpRequestBody.Empty);
        await NextBodyAsync(communicator, b => !b.Body.IsEmpty);

        await communicator.DisconnectAsync();

        await communicator.WaitAsync(Asgi.Timeout);
        await cancelled.Task.WaitAsync(Asgi.Timeout);
        Assert.True(response.ClientDisconnected);
    }

    [Fact]
    public async Task Client_going_away_ends_cleanly_even_if_the_producer_ignores_the_token()
    {
        var never = new TaskCompletionSource();
        async IAsyncEnumerable<ServerSentEvent> Events([EnumeratorCancellation] CancellationToken token)
        {
            yield return new ServerSentEvent("hello");
            await never.Task;
            yield return new ServerSentEvent("never");
        }

        var response = new ServerSentEventsResponse(Events, Timeout.InfiniteTimeSpan);
        await using var communicator = new AsgiCommunicator(response.ExecuteAsync, Asgi.Http("/"));
        await communicator.SendInputAsync(HttpRequestBody.Empty);
        await NextBodyAsync(communicator, b => !b.Body.IsEmpty);

        await communicator.DisconnectAsync();

        await communicator.WaitAsync(Asgi.Timeout);
        Assert.True(response.ClientDisconnected);
    }

    [Fact]
    public async Task On_Kestrel_events_arrive_live_and_a_client_disconnect_stops_the_stream_without_errors()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var next = Channel.CreateUnbounded<ServerSentEvent>();
        async IAsyncEnumerable<ServerSentEvent> Events([EnumeratorCancellation] CancellationToken token)
        {
            try
            {
                await foreach (var item in next.Reader.ReadAllAsync(token))
                {
                    yield return item;
                }
            }
            finally
            {
                // Set here rather than in a token callback: the callback could be unregistered before it runs.
                if (token.IsCancellationRequested)
                {
                    cancelled.TrySetResult();
                }
            }
        }

        await using var host = await KestrelTestHost.StartAsync(
            (scope, receive, send) => new ServerSentEventsResponse(Events).ExecuteAsync(scope, receive, send), KestrelTestHost.LifespanOff);

        var response = await host.CreateClient(KestrelProtocol.Http1).GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var body = await response.Content.ReadAsStreamAsync();
        next.Writer.TryWrite(new ServerSentEvent("one", Id: "1"));
        Assert.Equal("id: 1\ndata: one\n\n", await StreamingResponseTests.ReadTextAsync(body, "id: 1\ndata: one\n\n".Length));
        next.Writer.TryWrite(new ServerSentEvent("two", Event: "e"));
        Assert.Equal("event: e\ndata: two\n\n", await StreamingResponseTests.ReadTextAsync(body, "event: e\ndata: two\n\n".Length));

        response.Dispose();

        await cancelled.Task.WaitAsync(Asgi.Timeout);
        await host.StopAsync();
        Assert.Empty(host.Logs.Problems);
    }
}
