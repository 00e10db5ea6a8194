namespace AsgiBridge.Messages;

/// <summary>The <c>websocket.close</c> event: before accept it denies the connection (HTTP 403); after, it closes it.</summary>
public sealed class WebSocketClose : AsgiMessage
{
    /// <summary>Creates the event.</summary>
    /// <param name="code">The close code (default 1000).</param>
    /// <param name="reason">The close reason (default empty).</param>
    public WebSocketClose(int code = 1000, string? reason = null)
    {
        Code = code;
        Reason = reason ?? string.Empty;
    }

    /// <summary>A normal closure (1000) without a reason.</summary>
    public static WebSocketClose Normal { get; } = new();

    /// <inheritdoc />
    public override string Type => AsgiMessageTypes.WebSocketClose;

    /// <summary>The <c>code</c> field.</summary>
    public int Code { get; }

    /// <summary>The <c>reason</c> field.</summary>
    public string Reason { get; }
}
