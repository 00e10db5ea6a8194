namespace AsgiBridge.Messages;

/// <summary>The <c>websocket.disconnect</c> event: the connection closed (1005 when the close frame had no code, 1006 when it dropped).</summary>
public sealed class WebSocketDisconnect : AsgiMessage
{
    /// <summary>Creates the event.</summary>
    /// <param name="code">The close code.</param>
    /// <param name="reason">The close reason (default empty).</param>
    public WebSocketDisconnect(int code, string? reason = null)
    {
        Code = code;
        Reason = reason ?? string.Empty;
    }

    /// <inheritdoc />
    public override string Type => AsgiMessageTypes.WebSocketDisconnect;

    /// <summary>The <c>code</c> field.</summary>
    public int Code { get; }

    /// <summary>The <c>reason</c> field.</summary>
    public string Reason { get; }
}
