using System.Text;
using AsgiBridge.Hosting;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Logging;
using AsgiBridge.TestInfrastructure.WebSockets;
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
            raised = await Assert.ThrowsAsync<AsgiProtocolException>(async () => await send(new HttpResponseTrailers([new("x bad", "1")])));
            await send(new HttpResponseTrailers([new("x-checksum", "abc")]));
        }).HandleAsync(context);

        Assert.Equal(AsgiMessageTypes.HttpResponseTrailers, raised!.MessageType);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(101)]
    [InlineData(103)]
    [InlineData(199)]
    [InlineData(600)]
    [InlineData(999)]
    [InlineData(0)]
    public async Task A_status_that_cannot_end_a_request_raises_and_escaping_gives_500(int status)
    {
        var context = HttpContextHarness.Context();
        AsgiProtocolException? raised = null;
        await HttpContextHarness.Handler(async (_, _, send) =>
        {
            raised = await Assert.ThrowsAsync<AsgiProtocolException>(async () => await send(new HttpResponseStart(status)));
            throw raised;
        }).HandleAsync(context);

        Assert.Equal("status", raised!.Field);
        Assert.Equal(500, context.Response.StatusCode);
        Assert.Same(raised, context.GetAsgiOutcome()!.Exception);
    }

    [Fact]
    public async Task Upper_case_names_are_lower_cased_in_starts_and_trailers()
    {
        var context = HttpContextHarness.Context(protocol: "HTTP/2");
        context.Request.Headers.TE = "trailers";
        var trailers = HttpContextHarness.AddTrailersFeature(context);
        await HttpContextHarness.Handler(async (_, _, send) =>
        {
            await send(new HttpResponseStart(200, [new("Content-Type", "text/plain"), new("X-Special", "1")], trailers: true));
            await send(new HttpResponseBody("x"u8.ToArray()));
            await send(new HttpResponseTrailers([new("X-Checksum", "abc")]));
        }).HandleAsync(context);

        Assert.Equal("text/plain", context.Response.Headers.ContentType.ToString());
        Assert.Equal("1", context.Response.Headers["x-special"].ToString());
        Assert.Equal("abc", trailers["x-checksum"].ToString());
        Assert.Null(context.GetAsgiOutcome()!.ProtocolViolation);
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
}
