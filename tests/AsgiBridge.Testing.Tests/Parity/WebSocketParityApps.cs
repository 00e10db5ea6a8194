using AsgiBridge.Messages;

namespace AsgiBridge.Testing.Tests.Parity;

/// <summary>The WebSocket half of the shared suite: one application dispatching on the path.</summary>
internal static class WebSocketParityApps
{
    public static readonly AsgiApp App = async (scope, receive, send) =>
    {
        if (scope is not WebSocketScope ws)
        {
            await ParityApps.App(scope, receive, send);
            return;
        }

        Assert.IsType<WebSocketConnect>(await receive());
        switch (ws.Path)
        {
            case "/ws/echo":
                await send(new WebSocketAccept(ws.Subprotocols.Count > 0 ? ws.Subprotocols[^1] : null));
                while (await receive() is WebSocketReceive message)
                {
                    if (message.Text == "close-me")
                    {
                        await send(new WebSocketClose(4001, "asked to"));
                        return;
                    }

                    await send(message.Text is { } text ? WebSocketSend.FromText("echo:" + text) : WebSocketSend.FromBytes(message.Bytes!.Value));
                }

                break;
            case "/ws/close-before-accept":
                await send(WebSocketClose.Normal);
                break;
            case "/ws/denial":
                await send(new WebSocketHttpResponseStart(401, [new("content-type", "text/plain")]));
                await send(new WebSocketHttpResponseBody("no token"u8.ToArray()));
                break;
            case "/ws/raise-before-accept":
                throw new InvalidOperationException("failure before accept");
            case "/ws/raise-after-accept":
                await send(WebSocketAccept.Default);
                await receive();
                throw new InvalidOperationException("failure after accept");
            case "/ws/return-while-open":
                await send(WebSocketAccept.Default);
                break;
        }
    };
}
