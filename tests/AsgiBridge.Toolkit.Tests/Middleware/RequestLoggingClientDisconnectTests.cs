using AsgiBridge.Composition;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Logging;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Toolkit.Tests.Middleware;

/// <summary>
/// A client that leaves mid-response makes the bridge's <c>send</c> raise <see cref="AsgiClientDisconnectedException"/>;
/// the request line says so at Information (a Warning filter keeps only server faults), and the exception still
/// reaches the server.
/// </summary>
public sealed class RequestLoggingClientDisconnectTests
{
    [Fact]
    public async Task A_client_that_leaves_is_logged_at_information_not_as_a_failure()
    {
        var sink = new TestLogSink();
        var app = new AsgiPipelineBuilder().UseRequestLogging(sink.Logger(RequestLoggingMiddleware.LoggerCategory)).Run(async (scope, receive, send) =>
        {
            await send(new HttpResponseStart(200));
            await send(new HttpResponseBody("part"u8.ToArray(), moreBody: true));
        }).Build();
        var sent = 0;
        AsgiSend send = message => ++sent == 1 ? ValueTask.CompletedTask : ValueTask.FromException(new AsgiClientDisconnectedException());
        AsgiReceive receive = () => ValueTask.FromResult<AsgiMessage>(HttpDisconnect.Instance);

        await Assert.ThrowsAsync<AsgiClientDisconnectedException>(() => app(MiddlewareScopes.Http("/stream"), receive, send));

        var entry = Assert.Single(sink.WithEvent(103));
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Equal(200, entry.Values["StatusCode"]);
        Assert.StartsWith("HTTP GET /stream: the client disconnected after ", entry.Message, StringComparison.Ordinal);
        Assert.Empty(sink.WithEvent(61));
        Assert.Empty(sink.WithEvent(60));
    }
}
