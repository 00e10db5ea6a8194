namespace AsgiBridge.Testing.Tests.Parity;

/// <summary>
/// One WebSocket conversation of the shared suite: the handshake offer and a client script. Script steps:
/// <c>"text:…"</c> sends text, <c>"bytes:…"</c> sends the UTF-8 bytes of the rest, <c>"receive"</c> records the next
/// message or close from the application (a close is echoed), <c>"receive-last"</c> receives until the close and records
/// only the last text message and the close, <c>"close:code[:reason]"</c> closes from the client (1005: a close frame
/// without a code), <c>"abort"</c> drops the connection, <c>"wait-signal"</c> waits for the application's signal (the case
/// then carries a token in its query string).
/// </summary>
/// <param name="Name">The case name.</param>
/// <param name="Path">The path and query.</param>
/// <param name="Subprotocols">The offered subprotocols.</param>
/// <param name="Script">The client's steps.</param>
public sealed record WebSocketParityCase(string Name, string Path, string[] Subprotocols, params string[] Script)
{
    /// <summary>Extra handshake headers.</summary>
    public (string Name, string Value)[] Headers { get; init; } = [];

    /// <summary>Whether the script waits for the application's signal (see <see cref="ParitySignals"/>).</summary>
    public bool Gated => Script.Contains("wait-signal");

    public override string ToString() => Name;
}
