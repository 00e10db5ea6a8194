namespace AsgiBridge.WebSockets;

/// <summary>The WebSocket close codes (RFC 6455 §7.4.1) the bridge reports or sends itself.</summary>
internal static class WebSocketCloseCodes
{
    /// <summary>Normal closure.</summary>
    public const int NormalClosure = 1000;

    /// <summary>The peer broke the WebSocket protocol.</summary>
    public const int ProtocolError = 1002;

    /// <summary>The close frame carried no code (never sent on the wire; reported in <c>websocket.disconnect</c>).</summary>
    public const int NoStatusReceived = 1005;

    /// <summary>The connection dropped without a close frame (never sent on the wire).</summary>
    public const int AbnormalClosure = 1006;

    /// <summary>A text message was not valid UTF-8.</summary>
    public const int InvalidPayloadData = 1007;

    /// <summary>A message was bigger than the configured limit.</summary>
    public const int MessageTooBig = 1009;

    /// <summary>The server hit an unexpected condition (the application raised).</summary>
    public const int InternalError = 1011;

    /// <summary>The TLS handshake failed (never sent on the wire).</summary>
    public const int TlsHandshake = 1015;

    /// <summary>The longest close reason, in UTF-8 bytes, that fits a control frame.</summary>
    public const int MaxReasonBytes = 123;

    /// <summary>Whether an application may put <paramref name="code"/> in a close frame (RFC 6455 §7.4).</summary>
    /// <param name="code">The close code.</param>
    /// <returns><see langword="true"/> for 1000–4999 except the codes reserved for reporting (1004, 1005, 1006, 1015).</returns>
    public static bool IsSendable(int code) =>
        code is >= 1000 and <= 4999 and not (1004 or NoStatusReceived or AbnormalClosure or TlsHandshake);
}
