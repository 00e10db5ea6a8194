using AsgiBridge.Composition;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Logging;
using AsgiBridge.Toolkit;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Toolkit.Tests.Middleware;

public sealed class RequestLoggingMiddlewareTests
{
    private static AsgiApp Wrap(TestLogSink sink, AsgiApp app) =>
        new AsgiPipelineBuilder().UseRequestLogging(sink.Logger(RequestLoggingMiddleware.LoggerCategory)).Run(app).Build();

    [Fact]
    public async Task Http_request_is_logged_after_completion_with_method_path_status_and_duration()
    {
        var sink = new TestLogSink();
        var loggedBeforeReturn = -1;
        var app = Wrap(sink, async (scope, receive, send) =>
        {
            await send(new HttpResponseStart(201));
            await send(new HttpResponseBody("made"u8.ToArray()));
            loggedBeforeReturn = sink.Entries.Count;
        });

        var sent = await Asgi.RunAsync(app, MiddlewareScopes.Http("/items/7", "POST"), HttpRequestBody.Empty);

        Assert.Equal(0, loggedBeforeReturn);
        var entry = Assert.Single(sink.WithEvent(60));
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Equal(RequestLoggingMiddleware.LoggerCategory, entry.Category);
        Assert.Equal("POST", entry.Values["Method"]);
        Assert.Equal("/items/7", entry.Values["Path"]);
        Assert.Equal(201, entry.Values["StatusCode"]);
        Assert.True((double)entry.Values["ElapsedMilliseconds"]! >= 0);
        Assert.StartsWith("HTTP POST /items/7 responded 201 in ", entry.Message, StringComparison.Ordinal);
        Assert.Equal(201, sent.Start()!.Status);
        Assert.Equal("made", sent.BodyText());
    }

    [Fact]
    public async Task Failed_http_request_is_logged_and_the_exception_propagates()
    {
        var sink = new TestLogSink();
        var app = Wrap(sink, async (scope, receive, send) =>
        {
            await send(new HttpResponseStart(200));
            throw new InvalidOperationException("broken stream");
        });

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => Asgi.RunAsync(app, MiddlewareScopes.Http("/stream"), HttpRequestBody.Empty));

        Assert.Equal("broken stream", thrown.Message);
        var entry = Assert.Single(sink.WithEvent(61));
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal("InvalidOperationException", entry.Values["ExceptionType"]);
        Assert.Equal(200, entry.Values["StatusCode"]);
        Assert.Empty(sink.WithEvent(60));
    }

    [Fact]
    public async Task WebSocket_accept_and_client_close_are_logged()
    {
        var sink = new TestLogSink();
        var app = Wrap(sink, async (scope, receive, send) =>
        {
            Assert.IsType<WebSocketConnect>(await receive());
            await send(new WebSocketAccept("chat"));
            Assert.IsType<WebSocketDisconnect>(await receive());
        });

        await Asgi.RunAsync(app, MiddlewareScopes.WebSocket("/ws/chat"), WebSocketConnect.Instance, new WebSocketDisconnect(1001));

        var accepted = Assert.Single(sink.WithEvent(62));
        Assert.Equal("/ws/chat", accepted.Values["Path"]);
        Assert.Equal("chat", accepted.Values["Subprotocol"]);
        var closed = Assert.Single(sink.WithEvent(63));
        Assert.Equal(1001, closed.Values["CloseCode"]);
        Assert.Equal("client", closed.Values["ClosedBy"]);
        Assert.True(sink.Entries.ToList().IndexOf(accepted) < sink.Entries.ToList().IndexOf(closed));
    }

    [Fact]
    public async Task WebSocket_close_by_the_application_is_logged_with_its_code()
    {
        var sink = new TestLogSink();
        var app = Wrap(sink, async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            await send(new WebSocketClose(4000, "bye"));
        });

        await Asgi.RunAsync(app, MiddlewareScopes.WebSocket("/ws"), WebSocketConnect.Instance);

        var closed = Assert.Single(sink.WithEvent(63));
        Assert.Equal(4000, closed.Values["CloseCode"]);
        Assert.Equal("application", closed.Values["ClosedBy"]);
    }

    [Fact]
    public async Task WebSocket_refused_before_accept_is_logged_as_rejected()
    {
        var sink = new TestLogSink();
        var app = Wrap(sink, async (scope, receive, send) =>
        {
            await receive();
            await send(new WebSocketClose(1008));
        });

        await Asgi.RunAsync(app, MiddlewareScopes.WebSocket("/ws"), WebSocketConnect.Instance);

        var rejected = Assert.Single(sink.WithEvent(64));
        Assert.Equal(1008, rejected.Values["CloseCode"]);
        Assert.Empty(sink.WithEvent(62));
        Assert.Empty(sink.WithEvent(63));
    }

    [Fact]
    public async Task WebSocket_failure_is_logged_and_propagates()
    {
        var sink = new TestLogSink();
        var app = Wrap(sink, async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            throw new InvalidOperationException("handler bug");
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => Asgi.RunAsync(app, MiddlewareScopes.WebSocket("/ws"), WebSocketConnect.Instance));

        var failed = Assert.Single(sink.WithEvent(73));
        Assert.Equal("InvalidOperationException", failed.Values["ExceptionType"]);
        Assert.Equal(true, failed.Values["Accepted"]);
        Assert.Empty(sink.WithEvent(63));
    }

    [Fact]
    public async Task Disabled_logger_passes_send_and_receive_through_unwrapped()
    {
        var sink = new TestLogSink { MinimumLevel = LogLevel.Warning };
        AsgiSend? seenSend = null;
        AsgiReceive? seenReceive = null;
        var app = Wrap(sink, (scope, receive, send) =>
        {
            seenSend = send;
            seenReceive = receive;
            return Task.CompletedTask;
        });
        AsgiSend? givenSend = null;
        AsgiReceive? givenReceive = null;

        await Asgi.RunAsync((scope, receive, send) =>
        {
            // What the communicator hands the logging middleware must reach the inner application as it is.
            givenSend = send;
            givenReceive = receive;
            return app(scope, receive, send);
        }, MiddlewareScopes.Http(), HttpRequestBody.Empty);

        Assert.Same(givenSend, seenSend);
        Assert.Same(givenReceive, seenReceive);
        Assert.Empty(sink.Entries);
    }

    [Fact]
    public async Task Lifespan_scope_is_passed_through_without_logging()
    {
        var sink = new TestLogSink();
        var called = false;
        var app = Wrap(sink, (scope, receive, send) =>
        {
            called = scope is LifespanScope;
            return Task.CompletedTask;
        });

        await app(new LifespanScope(), () => ValueTask.FromResult<AsgiMessage>(LifespanStartup.Instance), _ => ValueTask.CompletedTask);

        Assert.True(called);
        Assert.Empty(sink.Entries);
    }
}
