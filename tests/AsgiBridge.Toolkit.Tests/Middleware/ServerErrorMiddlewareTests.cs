using System.Net;
using System.Runtime.CompilerServices;
using AsgiBridge.Composition;
using AsgiBridge.Hosting;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Logging;
using AsgiBridge.Testing;
using AsgiBridge.Toolkit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Toolkit.Tests.Middleware;

public sealed class ServerErrorMiddlewareTests
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowFromAHelperWithADistinctName() => throw new InvalidOperationException("bad <thing> & \"stuff\"");

    private static AsgiApp Wrap(TestLogSink sink, bool developerPage, AsgiApp app) =>
        new AsgiPipelineBuilder().Use(new ServerErrorMiddleware(developerPage, null, sink.Logger(ServerErrorMiddleware.LoggerCategory))).Run(app).Build();

    [Fact]
    public async Task Exception_before_start_becomes_a_developer_page_when_asked()
    {
        var sink = new TestLogSink();
        var app = Wrap(sink, developerPage: true, (scope, receive, send) =>
        {
            ThrowFromAHelperWithADistinctName();
            return Task.CompletedTask;
        });

        var sent = await Asgi.RunAsync(app, MiddlewareScopes.Http("/boom"), HttpRequestBody.Empty);

        Assert.Equal(500, sent.Start()!.Status);
        Assert.Equal("text/html; charset=utf-8", sent.Start()!.Headers.GetFirst("content-type"));
        var html = sent.BodyText();
        Assert.Contains("System.InvalidOperationException", html, StringComparison.Ordinal);
        Assert.Contains("bad &lt;thing&gt; &amp; &quot;stuff&quot;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<thing>", html, StringComparison.Ordinal);
        Assert.Contains(nameof(ThrowFromAHelperWithADistinctName), html, StringComparison.Ordinal);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(html).ToString(System.Globalization.CultureInfo.InvariantCulture), sent.Start()!.Headers.GetFirst("content-length"));
        var logged = Assert.Single(sink.WithEvent(71));
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.IsType<InvalidOperationException>(logged.Exception);
    }

    [Fact]
    public async Task Exception_before_start_becomes_plain_text_otherwise()
    {
        var sink = new TestLogSink();
        var app = Wrap(sink, developerPage: false, (scope, receive, send) => throw new InvalidOperationException("secret detail"));

        var sent = await Asgi.RunAsync(app, MiddlewareScopes.Http("/boom"), HttpRequestBody.Empty);

        Assert.Equal(500, sent.Start()!.Status);
        Assert.Equal("text/plain; charset=utf-8", sent.Start()!.Headers.GetFirst("content-type"));
        Assert.Equal("21", sent.Start()!.Headers.GetFirst("content-length"));
        Assert.Equal("Internal Server Error", sent.BodyText());
        Assert.Single(sink.WithEvent(71));
    }

    [Fact]
    public async Task Exception_after_start_is_rethrown_and_nothing_more_is_sent()
    {
        var sink = new TestLogSink();
        var failure = new InvalidOperationException("mid-stream");
        var app = Wrap(sink, developerPage: true, async (scope, receive, send) =>
        {
            await send(new HttpResponseStart(200));
            await send(new HttpResponseBody("partial"u8.ToArray(), moreBody: true));
            throw failure;
        });
        await using var communicator = new AsgiCommunicator(app, MiddlewareScopes.Http());
        await communicator.SendInputAsync(HttpRequestBody.Empty);

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => communicator.WaitAsync(Asgi.Timeout));

        var sent = communicator.GetOutput();
        Assert.Same(failure, thrown);
        Assert.Equal(2, sent.Count);
        Assert.Equal(200, sent.Start()!.Status);
        Assert.Empty(sink.WithEvent(71));
        Assert.Single(sink.WithEvent(72));
    }

    [Fact]
    public async Task Client_disconnects_and_websocket_failures_pass_through()
    {
        var sink = new TestLogSink();
        var disconnected = Wrap(sink, developerPage: true, (scope, receive, send) => throw new AsgiClientDisconnectedException());
        var websocket = Wrap(sink, developerPage: true, (scope, receive, send) => throw new InvalidOperationException("ws"));
        await using var http = new AsgiCommunicator(disconnected, MiddlewareScopes.Http());
        await using var ws = new AsgiCommunicator(websocket, MiddlewareScopes.WebSocket());
        await http.SendInputAsync(HttpRequestBody.Empty);
        await ws.SendInputAsync(WebSocketConnect.Instance);

        await Assert.ThrowsAsync<AsgiClientDisconnectedException>(() => http.WaitAsync(Asgi.Timeout));
        await Assert.ThrowsAsync<InvalidOperationException>(() => ws.WaitAsync(Asgi.Timeout));

        Assert.Empty(http.GetOutput());
        Assert.Empty(ws.GetOutput());
        Assert.Empty(sink.Entries);
    }

    [Fact]
    public async Task Cancellation_of_an_aborted_request_is_not_turned_into_a_500()
    {
        var sink = new TestLogSink();
        var appStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var app = Wrap(sink, developerPage: false, async (s, receive, send) =>
        {
            appStarted.SetResult();

            // Waits for the client to leave, then fails the way code cancelled by RequestAborted does.
            while (await receive() is not HttpDisconnect)
            {
            }

            throw new OperationCanceledException("The request was aborted.");
        });
        await using var client = new AsgiTestClient(app, new AsgiTestClientOptions { RaiseServerExceptions = false });
        using var leave = new CancellationTokenSource();

        var request = client.GetAsync("/", cancellationToken: leave.Token);
        await appStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);

        Assert.Empty(sink.Entries);
    }

    [Fact]
    public async Task Successful_requests_are_untouched()
    {
        var app = Wrap(new TestLogSink(), developerPage: true, MiddlewareScopes.Ok(status: 204));

        var sent = await Asgi.RunAsync(app, MiddlewareScopes.Http(), HttpRequestBody.Empty);

        Assert.Equal(204, sent.Start()!.Status);
        Assert.Equal("ok", sent.BodyText());
    }

    [Theory]
    [InlineData("Development", null, true)]
    [InlineData("Production", null, false)]
    [InlineData("Development", false, false)]
    [InlineData("Production", true, true)]
    public async Task UseServerErrors_follows_the_host_environment_unless_told(string environment, bool? showDeveloperPage, bool expectPage)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseTestServer();
        builder.Services.AddAsgi();
        await using var app = builder.Build();
        app.UseAsgi(pipeline => pipeline
            .UseServerErrors(o => o.ShowDeveloperPage = showDeveloperPage)
            .Run((scope, receive, send) => throw new NotSupportedException("not today")));
        await app.StartAsync();
        using var client = app.GetTestClient();

        using var response = await client.GetAsync("/");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        if (expectPage)
        {
            Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
            Assert.Contains("System.NotSupportedException", body, StringComparison.Ordinal);
            Assert.Contains("not today", body, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal("Internal Server Error", body);
        }
    }

    [Fact]
    public async Task After_start_the_bridge_aborts_the_response()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddAsgi();
        await using var app = builder.Build();
        app.UseAsgi(pipeline => pipeline
            .UseServerErrors(o => o.ShowDeveloperPage = true)
            .Run(async (scope, receive, send) =>
            {
                await send(new HttpResponseStart(200, [new("content-type", "text/plain")]));
                await send(new HttpResponseBody("partial"u8.ToArray(), moreBody: true));
                throw new InvalidOperationException("mid-stream");
            }));
        await app.StartAsync();
        using var client = app.GetTestClient();

        var error = await Record.ExceptionAsync(async () =>
        {
            using var response = await client.GetAsync("/");
            await response.Content.ReadAsStringAsync();
        });

        // The status line (200) had been sent: the client sees the response break off, not a 500 page.
        Assert.NotNull(error);
    }
}
