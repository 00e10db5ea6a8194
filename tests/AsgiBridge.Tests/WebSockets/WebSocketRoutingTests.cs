using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AsgiBridge.Tests.WebSockets;

public sealed class WebSocketRoutingTests
{
    [Fact]
    public async Task MapAsgi_serves_websockets_with_the_prefix_as_root_path()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddAsgi();
        await using var app = builder.Build();
        app.UseWebSockets();
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
}
