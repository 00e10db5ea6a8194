using AsgiBridge.Messages;

namespace AsgiBridge.Tests.WebSockets;

/// <summary>Small ASGI applications shared by the WebSocket tests.</summary>
public static class TestApps
{
    /// <summary>Accepts and echoes every message (text as text, bytes as bytes) until the client leaves.</summary>
    public static async Task Echo(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        Assert.IsType<WebSocketConnect>(await receive());
        await send(WebSocketAccept.Default);
        while (await receive() is WebSocketReceive message)
        {
            await send(message.Text is { } text ? WebSocketSend.FromText(text) : WebSocketSend.FromBytes(message.Bytes!.Value));
        }
    }

    /// <summary>Wraps an application so its outcome (or exception) can be awaited by the test.</summary>
    public static AsgiApp Observed(AsgiApp app, TaskCompletionSource<Exception?> outcome) => async (scope, receive, send) =>
    {
        try
        {
            await app(scope, receive, send);
            outcome.TrySetResult(null);
        }
        catch (Exception ex)
        {
            outcome.TrySetResult(ex);
            throw;
        }
    };

    public static TaskCompletionSource<T> Signal<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
