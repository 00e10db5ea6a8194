using System.IO.Pipelines;
using System.Text;
using AsgiBridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Tests.Http;

/// <summary>Unit tier: the receive/send state machine on a <see cref="DefaultHttpContext"/>.</summary>
public sealed class HttpCycleUnitTests
{
    private static readonly TimeSpan s_timeout = AsgiTestApps.Timeout;

    [Fact]
    public async Task Single_body_gets_content_length_and_app_transfer_encoding_is_ignored()
    {
        var context = HttpContextHarness.Context();
        await HttpContextHarness.Handler(async (_, _, send) =>
        {
            await send(new HttpResponseStart(201, [new("transfer-encoding", "chunked"), new("x-a", "1"), new("x-a", "2")]));
            await send(new HttpResponseBody("hello"u8.ToArray()));
        }).HandleAsync(context);

        Assert.Equal(201, context.Response.StatusCode);
        Assert.Equal(5, context.Response.ContentLength);
        Assert.False(context.Response.Headers.ContainsKey("Transfer-Encoding"));
        Assert.Equal("1,2", context.Response.Headers["x-a"].ToString());
        Assert.Equal("hello", HttpContextHarness.ResponseText(context));
    }

    [Fact]
    public async Task Streamed_body_has_no_content_length()
    {
        var context = HttpContextHarness.Context();
        await HttpContextHarness.Handler(async (_, _, send) =>
        {
            await send(new HttpResponseStart(200));
            await send(new HttpResponseBody("a"u8.ToArray(), moreBody: true));
            await send(new HttpResponseBody("b"u8.ToArray()));
        }).HandleAsync(context);

        Assert.Null(context.Response.ContentLength);
        Assert.Equal("ab", HttpContextHarness.ResponseText(context));
    }

    [Fact]
    public async Task Head_keeps_headers_and_content_length_but_sends_no_body()
    {
        var context = HttpContextHarness.Context(method: "HEAD");
        await HttpContextHarness.Handler(async (_, _, send) =>
        {
            await send(new HttpResponseStart(200, [new("x-kept", "yes")]));
            await send(new HttpResponseBody("hello"u8.ToArray()));
        }).HandleAsync(context);

        Assert.Equal(5, context.Response.ContentLength);
        Assert.Equal("yes", context.Response.Headers["x-kept"]);
        Assert.Equal(string.Empty, HttpContextHarness.ResponseText(context));
    }

    [Fact]
    public async Task Body_before_start_raises_and_escaping_it_gives_500_logged_as_event_1()
    {
        var logs = new TestLogSink();
        var context = HttpContextHarness.Context();
        AsgiProtocolException? raised = null;
        await HttpContextHarness.Handler(async (_, _, send) =>
        {
            raised = await Assert.ThrowsAsync<AsgiProtocolException>(async () => await send(new HttpResponseBody("x"u8.ToArray())));
            throw raised;
        }, logs).HandleAsync(context);

        Assert.Equal(AsgiMessageTypes.HttpResponseBody, raised!.MessageType);
        Assert.Equal(500, context.Response.StatusCode);
        Assert.Equal("Internal Server Error", HttpContextHarness.ResponseText(context));
        var entry = Assert.Single(logs.BridgeEntries);
        Assert.Equal((1, LogLevel.Error), (entry.EventId.Id, entry.Level));
    }

    [Fact]
    public async Task Second_start_raises_and_the_first_start_stays_in_effect()
    {
        var context = HttpContextHarness.Context();
        AsgiProtocolException? raised = null;
        await HttpContextHarness.Handler(async (_, _, send) =>
        {
            await send(new HttpResponseStart(202));
            raised = await Assert.ThrowsAsync<AsgiProtocolException>(async () => await send(new HttpResponseStart(500)));
            await send(new HttpResponseBody("first"u8.ToArray()));
        }).HandleAsync(context);

        Assert.Equal(AsgiMessageTypes.HttpResponseStart, raised!.MessageType);
        Assert.Equal(202, context.Response.StatusCode);
        Assert.Equal("first", HttpContextHarness.ResponseText(context));
    }

    [Fact]
    public async Task Messages_after_completion_raise_and_escaping_is_logged_as_event_8()
    {
        var logs = new TestLogSink();
        var context = HttpContextHarness.Context();
        var raised = new List<AsgiProtocolException>();
        await HttpContextHarness.Handler(async (_, _, send) =>
        {
            await AsgiTestApps.SendTextAsync(send, 200, "done");
            AsgiMessage[] late =
            [
                new HttpResponseBody("more"u8.ToArray()),
                new HttpResponseStart(200),
                new HttpResponseTrailers(),
                new HttpResponsePathSend(typeof(HttpCycleUnitTests).Assembly.Location),
                new HttpResponseEarlyHint(["</a.css>; rel=preload"]),
            ];
            foreach (var message in late)
            {
                raised.Add(await Assert.ThrowsAsync<AsgiProtocolException>(async () => await send(message)));
            }

            throw raised[0];
        }, logs).HandleAsync(context);

        Assert.Equal(5, raised.Count);
        Assert.All(raised, e => Assert.Contains("already complete", e.Message, StringComparison.Ordinal));
        Assert.Equal("done", HttpContextHarness.ResponseText(context));
        var entry = Assert.Single(logs.BridgeEntries);
        Assert.Equal((8, LogLevel.Error), (entry.EventId.Id, entry.Level));
    }

    [Theory]
    [InlineData("Content-Type", "x")]
    [InlineData(":status", "200")]
    [InlineData("", "x")]
    [InlineData("bad name", "x")]
    [InlineData("x-ok", "a\r\nx-injected: 1")]
    [InlineData("x-ok", "a\nb")]
    [InlineData("x-ok", "a\0b")]
    [InlineData("x-ok", "\u20ac")]
    public async Task Invalid_response_headers_raise_from_send(string name, string value)
    {
        var context = HttpContextHarness.Context();
        AsgiProtocolException? raised = null;
        await HttpContextHarness.Handler(async (_, _, send) =>
        {
            raised = await Assert.ThrowsAsync<AsgiProtocolException>(async () => await send(new HttpResponseStart(200, [new(name, value)])));
            await AsgiTestApps.SendTextAsync(send, 400, "rejected");
        }).HandleAsync(context);

        Assert.Equal("headers", raised!.Field);
        Assert.Equal(400, context.Response.StatusCode);
        Assert.False(context.Response.Headers.ContainsKey("x-injected"));
    }

    [Theory]
    [InlineData("abc", null)]
    [InlineData("-1", null)]
    [InlineData("5", "6")]
    public async Task Invalid_or_conflicting_content_length_raises(string first, string? second)
    {
        var context = HttpContextHarness.Context();
        AsgiProtocolException? raised = null;
        List<AsgiHeader> headers = [new("content-length", first)];
        if (second is not null)
        {
            headers.Add(new("content-length", second));
        }

        await HttpContextHarness.Handler(async (_, _, send) =>
        {
            raised = await Assert.ThrowsAsync<AsgiProtocolException>(async () => await send(new HttpResponseStart(200, headers)));
            await AsgiTestApps.SendTextAsync(send, 200, "ok");
        }).HandleAsync(context);
        Assert.Equal("headers", raised!.Field);
        Assert.Equal(2, context.Response.ContentLength);
    }

    [Fact]
    public async Task Invalid_trailer_headers_raise_from_send()
    {
        var context = HttpContextHarness.Context(protocol: "HTTP/2");
        HttpContextHarness.AddTrailersFeature(context);
        AsgiProtocolException? raised = null;
        await HttpContextHarness.Handler(async (_, _, send) =>
        {
            await send(new HttpResponseStart(200, trailers: true));
            await send(new HttpResponseBody("x"u8.ToArray()));
            raised = await Assert.ThrowsAsync<AsgiProtocolException>(async () => await send(new HttpResponseTrailers([new("X-Upper", "1")])));
            await send(new HttpResponseTrailers([new("x-checksum", "abc")]));
        }).HandleAsync(context);

        Assert.Equal(AsgiMessageTypes.HttpResponseTrailers, raised!.MessageType);
    }

    [Theory]
    [InlineData(204)]
    [InlineData(304)]
    public async Task Body_on_204_or_304_raises_and_an_empty_body_completes(int status)
    {
        var context = HttpContextHarness.Context();
        AsgiProtocolException? raised = null;
        await HttpContextHarness.Handler(async (_, _, send) =>
        {
            await send(new HttpResponseStart(status));
            raised = await Assert.ThrowsAsync<AsgiProtocolException>(async () => await send(new HttpResponseBody("x"u8.ToArray())));
            await send(HttpResponseBody.Empty);
        }).HandleAsync(context);

        Assert.Equal("body", raised!.Field);
        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal(string.Empty, HttpContextHarness.ResponseText(context));
    }

    [Theory]
    [InlineData(99)]
    [InlineData(1000)]
    public async Task Invalid_status_raises(int status)
    {
        var context = HttpContextHarness.Context();
        AsgiProtocolException? raised = null;
        await HttpContextHarness.Handler(async (_, _, send) =>
        {
            raised = await Assert.ThrowsAsync<AsgiProtocolException>(async () => await send(new HttpResponseStart(status)));
            await AsgiTestApps.SendTextAsync(send, 200, "ok");
        }).HandleAsync(context);
        Assert.Equal("status", raised!.Field);
    }

    [Fact]
    public async Task Push_and_websocket_messages_are_rejected_on_http()
    {
        var context = HttpContextHarness.Context();
        var raised = new List<AsgiProtocolException>();
        await HttpContextHarness.Handler(async (_, _, send) =>
        {
            raised.Add(await Assert.ThrowsAsync<AsgiProtocolException>(async () => await send(new HttpResponsePush("/x"))));
            raised.Add(await Assert.ThrowsAsync<AsgiProtocolException>(async () => await send(new WebSocketAccept())));
            await AsgiTestApps.SendTextAsync(send, 200, "ok");
        }).HandleAsync(context);

        Assert.Equal([AsgiMessageTypes.HttpResponsePush, AsgiMessageTypes.WebSocketAccept], raised.Select(e => e.MessageType));
        Assert.Equal("ok", HttpContextHarness.ResponseText(context));
    }

    [Fact]
    public async Task Returning_without_response_gives_500_logged_as_event_3()
    {
        var logs = new TestLogSink();
        var context = HttpContextHarness.Context();
        await HttpContextHarness.Handler((_, _, _) => Task.CompletedTask, logs).HandleAsync(context);
        Assert.Equal(500, context.Response.StatusCode);
        Assert.Equal(21, context.Response.ContentLength);
        var entry = Assert.Single(logs.BridgeEntries);
        Assert.Equal((3, LogLevel.Error), (entry.EventId.Id, entry.Level));
    }

    [Fact]
    public async Task Raising_with_start_held_gives_500_because_start_is_not_sent_before_the_first_body()
    {
        var logs = new TestLogSink();
        var context = HttpContextHarness.Context();
        await HttpContextHarness.Handler(async (_, _, send) =>
        {
            await send(new HttpResponseStart(200, [new("x-lost", "1")]));
            throw new InvalidOperationException("boom");
        }, logs).HandleAsync(context);
        Assert.Equal(500, context.Response.StatusCode);
        Assert.False(context.Response.Headers.ContainsKey("x-lost"));
        Assert.Equal(1, Assert.Single(logs.BridgeEntries).EventId.Id);
    }

    [Fact]
    public async Task Returning_after_start_without_a_body_gives_500_logged_as_event_3()
    {
        var logs = new TestLogSink();
        var context = HttpContextHarness.Context();
        await HttpContextHarness.Handler((_, _, send) => send(new HttpResponseStart(200, [new("x-lost", "1")])).AsTask(), logs).HandleAsync(context);
        Assert.Equal(500, context.Response.StatusCode);
        Assert.False(context.Response.Headers.ContainsKey("x-lost"));
        Assert.Equal(3, Assert.Single(logs.BridgeEntries).EventId.Id);
    }

    [Fact]
    public async Task Debug_message_is_accepted_before_start_only()
    {
        var context = HttpContextHarness.Context();
        AsgiProtocolException? raised = null;
        var info = new Dictionary<string, object?> { ["template"] = "index.html" };
        await HttpContextHarness.Handler(async (_, _, send) =>
        {
            await send(new HttpResponseDebug(info));
            await send(new HttpResponseStart(200));
            raised = await Assert.ThrowsAsync<AsgiProtocolException>(async () => await send(new HttpResponseDebug(info)));
            await send(new HttpResponseBody("ok"u8.ToArray()));
        }).HandleAsync(context);
        Assert.Equal(AsgiMessageTypes.HttpResponseDebug, raised!.MessageType);
        Assert.Equal("ok", HttpContextHarness.ResponseText(context));
    }

    [Fact]
    public async Task Custom_error_body_comes_from_options()
    {
        var context = HttpContextHarness.Context();
        await HttpContextHarness.Handler((_, _, _) => throw new InvalidOperationException("sync throw"), options: new AsgiOptions { InternalServerErrorBody = "oops" })
            .HandleAsync(context);
        Assert.Equal(500, context.Response.StatusCode);
        Assert.Equal("oops", HttpContextHarness.ResponseText(context));
    }

    [Fact]
    public async Task Early_hint_is_accepted_and_ignored_with_event_7()
    {
        var logs = new TestLogSink();
        var context = HttpContextHarness.Context();
        await HttpContextHarness.Handler(async (scope, _, send) =>
        {
            Assert.False(scope.SupportsExtension(AsgiExtensionNames.EarlyHint));
            await send(new HttpResponseEarlyHint(["</style.css>; rel=preload; as=style"]));
            await AsgiTestApps.SendTextAsync(send, 200, "ok");
        }, logs).HandleAsync(context);
        Assert.Equal(200, context.Response.StatusCode);
        var entry = Assert.Single(logs.BridgeEntries);
        Assert.Equal((7, LogLevel.Debug), (entry.EventId.Id, entry.Level));
    }

    [Fact]
    public async Task Overlapping_sends_are_rejected()
    {
        var context = HttpContextHarness.Context();
        var pipe = HttpContextHarness.AddBackpressuredBody(context);
        var firstPending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        AsgiProtocolException? raised = null;
        var run = HttpContextHarness.Handler(async (_, _, send) =>
        {
            await send(new HttpResponseStart(200));
            var first = send(new HttpResponseBody(new byte[8192], moreBody: true));
            Assert.False(first.IsCompleted);
            raised = await Assert.ThrowsAsync<AsgiProtocolException>(async () => await send(new HttpResponseBody("y"u8.ToArray())));
            firstPending.SetResult();
            await first;
            await send(new HttpResponseBody("z"u8.ToArray()));
        }).HandleAsync(context);

        await firstPending.Task.WaitAsync(s_timeout);
        var body = await ReadToEndAsync(pipe.Reader);
        await run.WaitAsync(s_timeout);
        Assert.Contains("another send()", raised!.Message, StringComparison.Ordinal);
        Assert.Equal(8193, body.Length);
        Assert.Equal((byte)'z', body[^1]);
    }

    [Fact]
    public async Task Receive_and_send_may_run_concurrently_and_overlapping_receives_are_rejected()
    {
        var context = HttpContextHarness.Context(method: "POST");
        var request = new Pipe();
        context.Request.Body = request.Reader.AsStream();
        AsgiProtocolException? overlapping = null;
        var handler = HttpContextHarness.Handler(async (_, receive, send) =>
        {
            var pendingReceive = receive();
            Assert.False(pendingReceive.IsCompleted);
            overlapping = await Assert.ThrowsAsync<AsgiProtocolException>(async () => await receive());

            // send completes while receive is still waiting for the body.
            await send(new HttpResponseStart(200));
            await send(new HttpResponseBody("started;"u8.ToArray(), moreBody: true));
            Assert.False(pendingReceive.IsCompleted);
            await request.Writer.WriteAsync("payload"u8.ToArray());
            await request.Writer.CompleteAsync();

            var messages = new List<HttpRequestBody> { (HttpRequestBody)await pendingReceive };
            while (messages[^1].MoreBody)
            {
                messages.Add((HttpRequestBody)await receive());
            }

            await send(new HttpResponseBody(AsgiTestApps.Concat(messages)));
        });

        await handler.HandleAsync(context).WaitAsync(s_timeout);
        Assert.Contains("another receive()", overlapping!.Message, StringComparison.Ordinal);
        Assert.Equal("started;payload", HttpContextHarness.ResponseText(context));
    }

    [Fact]
    public async Task Receive_after_body_waits_until_response_complete_then_returns_disconnect()
    {
        var context = HttpContextHarness.Context(method: "POST");
        context.Request.Body = new MemoryStream("abc"u8.ToArray());
        context.Request.ContentLength = 3;
        AsgiMessage? afterBody = null;
        await HttpContextHarness.Handler(async (_, receive, send) =>
        {
            var body = AsgiTestApps.Concat(await AsgiTestApps.ReadAllAsync(receive));
            var next = receive().AsTask();
            await send(new HttpResponseStart(200));
            await send(new HttpResponseBody(body, moreBody: true));
            Assert.False(next.IsCompleted);
            await send(new HttpResponseBody("!"u8.ToArray()));
            afterBody = await next.WaitAsync(s_timeout);
        }).HandleAsync(context);

        Assert.Same(HttpDisconnect.Instance, afterBody);
        Assert.Equal("abc!", HttpContextHarness.ResponseText(context));
    }

    [Fact]
    public async Task Receive_without_body_answers_synchronously_with_an_empty_final_message()
    {
        var context = HttpContextHarness.Context();
        context.Request.ContentLength = 0;
        context.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>(new NoBody());
        AsgiMessage? first = null;
        await HttpContextHarness.Handler(async (_, receive, send) =>
        {
            var pending = receive();
            Assert.True(pending.IsCompletedSuccessfully);
            first = await pending;
            await AsgiTestApps.SendTextAsync(send, 200, "ok");
        }).HandleAsync(context);

        var body = Assert.IsType<HttpRequestBody>(first);
        Assert.False(body.MoreBody);
        Assert.True(body.Body.IsEmpty);
    }

    [Fact]
    public async Task Chunks_arrive_with_more_body_until_the_last()
    {
        var context = HttpContextHarness.Context(method: "POST");
        var request = new Pipe();
        context.Request.Body = request.Reader.AsStream();
        var messages = new List<HttpRequestBody>();
        var handler = HttpContextHarness.Handler(async (_, receive, send) =>
        {
            foreach (var part in new[] { "one", "two" })
            {
                await request.Writer.WriteAsync(Encoding.ASCII.GetBytes(part));
                messages.Add((HttpRequestBody)await receive());
            }

            await request.Writer.CompleteAsync();
            messages.Add((HttpRequestBody)await receive());
            await AsgiTestApps.SendTextAsync(send, 200, "ok");
        });
        await handler.HandleAsync(context).WaitAsync(s_timeout);

        Assert.Equal(["one", "two", ""], messages.Select(m => Encoding.ASCII.GetString(m.Body.Span)));
        Assert.Equal([true, true, false], messages.Select(m => m.MoreBody));
    }

    [Fact]
    public async Task A_receive_left_pending_when_the_app_returns_still_completes_against_its_own_request()
    {
        var context = HttpContextHarness.Context(method: "POST", path: "/first");
        var request = new Pipe();
        context.Request.Body = request.Reader.AsStream();
        Task<AsgiMessage>? abandoned = null;
        byte[]? secondBody = null;
        var handler = HttpContextHarness.Handler(async (scope, receive, send) =>
        {
            if (((HttpScope)scope).Path == "/first")
            {
                // A disconnect listener the app never awaits (the pattern of streaming responses that watch for disconnects).
                abandoned = receive().AsTask();
                await AsgiTestApps.SendTextAsync(send, 200, "done");
                return;
            }

            secondBody = AsgiTestApps.Concat(await AsgiTestApps.ReadAllAsync(receive));
            await AsgiTestApps.SendTextAsync(send, 200, "ok");
        });
        await handler.HandleAsync(context).WaitAsync(s_timeout);
        Assert.False(abandoned!.IsCompleted);

        // The next request on the same handler may get a pooled cycle; the abandoned receive must not touch it.
        var next = HttpContextHarness.Context(method: "POST", path: "/second");
        var nextBody = new Pipe();
        next.Request.Body = nextBody.Reader.AsStream();
        var second = handler.HandleAsync(next);
        await request.Writer.WriteAsync("late"u8.ToArray());
        await request.Writer.CompleteAsync();
        var message = await abandoned.WaitAsync(s_timeout);
        await nextBody.Writer.WriteAsync("second"u8.ToArray());
        await nextBody.Writer.CompleteAsync();
        await second.WaitAsync(s_timeout);

        Assert.Equal("late", Encoding.ASCII.GetString(Assert.IsType<HttpRequestBody>(message).Body.Span));
        Assert.Equal("second", Encoding.ASCII.GetString(secondBody!));
        Assert.Equal("ok", HttpContextHarness.ResponseText(next));
    }

    private static async Task<byte[]> ReadToEndAsync(PipeReader reader)
    {
        using var stream = new MemoryStream();
        while (true)
        {
            var result = await reader.ReadAsync().AsTask().WaitAsync(s_timeout);
            foreach (var segment in result.Buffer)
            {
                stream.Write(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return stream.ToArray();
            }
        }
    }

    private sealed class NoBody : Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => false;
    }
}
