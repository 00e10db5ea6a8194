using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.TestInfrastructure.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AsgiBridge.Tests.WebSockets;

public sealed class WebSocketRoutingTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task MapAsgi_serves_websockets_with_the_prefix_as_root_path(bool pipelineHasWebSocketMiddleware)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddAsgi();
        await using var app = builder.Build();
        if (pipelineHasWebSocketMiddleware)
        {
            app.UseWebSockets();
        }

        app.MapAsgi("/apps/{tenant}", async (scope, receive, send) =>
        {
            if (scope is LifespanScope)
            {
                return;
            }

            var ws = Assert.IsType<WebSocketScope>(scope);
            await receive();
            await send(WebSocketAccept.Default);
            await send(WebSocketSend.FromText($"{ws.RootPath}|{ws.Path}"));
            await send(WebSocketClose.Normal);
        });
        await app.StartAsync();

        using var timeout = new CancellationTokenSource(WebSocketTestHost.Timeout);
        using var socket = await app.GetTestServer().CreateWebSocketClient().ConnectAsync(new Uri("ws://localhost/apps/acme/live"), timeout.Token);
        Assert.Equal("/apps/acme|/apps/acme/live", (await socket.ReceiveMessageAsync()).Text);
    }

    [Fact]
    public async Task With_websockets_disabled_an_upgrade_request_on_kestrel_is_an_http_scope()
    {
        // (TestServer offers WebSockets natively, so this is a Kestrel-only behaviour.)
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            if (scope is LifespanScope)
            {
                return;
            }

            seen.TrySetResult(scope.Type);
            await send(new HttpResponseStart(426));
            await send(HttpResponseBody.Empty);
        }, options => options.EnableWebSockets = false);

        var client = host.CreateWebSocketClient(KestrelProtocol.Http1);
        using var timeout = new CancellationTokenSource(WebSocketTestHost.Timeout);
        await Assert.ThrowsAnyAsync<System.Net.WebSockets.WebSocketException>(() => client.ConnectAsync("/x", timeout.Token));
        Assert.Equal("http", await seen.Task.WaitAsync(WebSocketTestHost.Timeout));
    }
}
