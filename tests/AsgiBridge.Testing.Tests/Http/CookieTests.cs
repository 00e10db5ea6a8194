using AsgiBridge.Messages;

namespace AsgiBridge.Testing.Tests.Http;

public sealed class CookieTests
{
    private static readonly AsgiApp s_app = TestApps.Http(async (scope, receive, send) =>
    {
        switch (scope.Path)
        {
            case "/login":
                await send(new HttpResponseStart(200,
                [
                    new("set-cookie", "session=abc123; Path=/; HttpOnly"),
                    new("set-cookie", "theme=dark; Path=/"),
                ]));
                await send(HttpResponseBody.Empty);
                break;
            case "/logout":
                await send(new HttpResponseStart(200, [new("set-cookie", "session=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT")]));
                await send(HttpResponseBody.Empty);
                break;
            default:
                await TestApps.SendText(send, 200, scope.Headers.GetFirst("cookie") ?? "<none>");
                break;
        }
    });

    [Fact]
    public async Task Set_cookie_values_are_sent_back_on_later_requests()
    {
        await using var client = new AsgiTestClient(s_app);

        Assert.Equal("<none>", (await client.GetAsync("/me")).Text);
        var login = await client.GetAsync("/login");
        var me = await client.GetAsync("/me");

        Assert.Equal(2, login.GetHeaders("set-cookie").Count);
        Assert.Equal("session=abc123; theme=dark", me.Text);
        Assert.Equal("abc123", client.Cookies!.GetCookies(new Uri("http://testserver/"))["session"]!.Value);
    }

    [Fact]
    public async Task Expired_cookies_are_removed()
    {
        await using var client = new AsgiTestClient(s_app);

        await client.GetAsync("/login");
        await client.GetAsync("/logout");

        Assert.Equal("theme=dark", (await client.GetAsync("/me")).Text);
    }

    [Fact]
    public async Task Cookies_can_be_turned_off()
    {
        await using var client = new AsgiTestClient(s_app, new AsgiTestClientOptions { UseCookies = false });

        await client.GetAsync("/login");

        Assert.Null(client.Cookies);
        Assert.Equal("<none>", (await client.GetAsync("/me")).Text);
    }

    [Fact]
    public async Task Cookies_reach_websocket_handshakes()
    {
        var app = new AsgiApp(async (scope, receive, send) =>
        {
            if (scope is WebSocketScope ws)
            {
                await receive();
                await send(WebSocketAccept.Default);
                await send(WebSocketSend.FromText(ws.Headers.GetFirst("cookie") ?? "<none>"));
                await send(WebSocketClose.Normal);
                return;
            }

            await s_app(scope, receive, send);
        });
        await using var client = new AsgiTestClient(app);

        await client.GetAsync("/login");
        await using var session = await client.ConnectWebSocketAsync("/ws");

        Assert.Equal("session=abc123; theme=dark", await session.ReceiveTextAsync());
    }
}
