namespace AsgiBridge.Messages;

/// <summary>The <c>websocket.accept</c> event: completes the handshake.</summary>
public sealed class WebSocketAccept : AsgiMessage
{
    /// <summary>Creates the event.</summary>
    /// <param name="subprotocol">The chosen subprotocol, or <see langword="null"/>.</param>
    /// <param name="headers">Extra response headers (lower-case names; never <c>sec-websocket-protocol</c>).</param>
    public WebSocketAccept(string? subprotocol = null, IReadOnlyList<AsgiHeader>? headers = null)
    {
        Subprotocol = subprotocol;
        Headers = headers ?? Array.Empty<AsgiHeader>();
    }

    /// <summary>An accept with no subprotocol and no headers.</summary>
    public static WebSocketAccept Default { get; } = new();

    /// <inheritdoc />
    public override string Type => AsgiMessageTypes.WebSocketAccept;

    /// <summary>The <c>subprotocol</c> field.</summary>
    public string? Subprotocol { get; }

    /// <summary>The <c>headers</c> field.</summary>
    public IReadOnlyList<AsgiHeader> Headers { get; }
}
