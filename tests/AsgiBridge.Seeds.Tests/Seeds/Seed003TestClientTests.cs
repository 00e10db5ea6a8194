using AsgiBridge.Conversion;
using AsgiBridge.Seeds.Tests.Ports;
using AsgiBridge.Testing;
using Message = System.Collections.Generic.Dictionary<string, object?>;

namespace AsgiBridge.Seeds.Tests.Seeds;

/// <summary>
/// Seed 003 "Testing ASGI Applications": the article's <c>test_asgi_app</c>, ported to <see cref="AsgiTestClient"/>, which
/// plays the part of its hand-made <c>ASGITestClient</c>/<c>WebSocketTestSession</c> but runs the real bridge. The article
/// leaves <c>my_app</c> undefined; here it is the article's class-based router with its own handlers.
/// </summary>
public sealed class Seed003TestClientTests
{
    private static AsgiApp MyApp()
    {
        var app = new AsgiApplicationRouter();
        app.AddHttpRoute("GET", "/", Seed003Basics.HandleHttp); // "Hello World"
        app.AddHttpRoute("POST", "/api/echo", Seed003Basics.ParseJsonRequest);
        app.AddWebSocketRoute("/ws", JsonEcho);
        return app;
    }

    /// <summary>The article's test expects its WebSocket message back as JSON: echo each text message unchanged.</summary>
    private static async Task JsonEcho(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        await receive();
        await send.SendAsync(new Message { ["type"] = "websocket.accept" });
        while (await receive.ReceiveDictionaryAsync() is { } message && (string?)message["type"] == "websocket.receive")
        {
            await send.SendAsync(new Message { ["type"] = "websocket.send", ["text"] = message["text"] });
        }
    }

    [Fact]
    public async Task Test_asgi_app()
    {
        await using var client = new AsgiTestClient(MyApp());

        // Test HTTP request
        var response = await client.GetAsync("/");
        Assert.Equal(200, response.Status);
        Assert.True(response.Body.AsSpan().IndexOf("Hello"u8) >= 0); // b'Hello' in response['body']

        // Test JSON POST
        response = await client.PostAsync("/api/echo", AsgiContent.Json(new Dictionary<string, string> { ["message"] = "test" }));
        Assert.Equal(200, response.Status);
        Assert.Equal("""{"received": {"message": "test"}, "method": "POST", "path": "/api/echo"}""", response.Text);

        // Test WebSocket
        await using var ws = await client.ConnectWebSocketAsync("/ws");
        await ws.SendJsonAsync(new Dictionary<string, string> { ["type"] = "hello", ["message"] = "test" });
        var reply = await ws.ReceiveJsonAsync<Dictionary<string, string>>(TimeSpan.FromSeconds(10));
        Assert.Equal("hello", reply!["type"]);
        await ws.CloseAsync();
    }
}
