namespace AsgiBridge.WebSockets;

/// <summary>The close-frame observers of one WebSocket: the client's frames (reads) and the server's (writes).</summary>
internal sealed class WebSocketFrameObservers
{
    /// <summary>The frames the client sends.</summary>
    public CloseFrameObserver Client { get; } = new();

    /// <summary>The frames the server sends.</summary>
    public CloseFrameObserver Server { get; } = new();
}
