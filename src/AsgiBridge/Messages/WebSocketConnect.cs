namespace AsgiBridge.Messages;

/// <summary>The <c>websocket.connect</c> event: the client asks to open a WebSocket; answer with accept, close or a denial response. Carries no payload: use <see cref="Instance"/>.</summary>
public sealed class WebSocketConnect : AsgiMessage
{
    private WebSocketConnect()
    {
    }

    /// <summary>The single instance.</summary>
    public static WebSocketConnect Instance { get; } = new();

    /// <inheritdoc />
    public override string Type => AsgiMessageTypes.WebSocketConnect;
}
