namespace AsgiBridge.Testing.Tests.Parity;

/// <summary>
/// One WebSocket conversation of the shared suite: the handshake offer and a client script. Script steps:
/// <c>"text:…"</c> sends text, <c>"bytes:…"</c> sends the UTF-8 bytes of the rest, <c>"receive"</c> records the next
/// message or close from the application, <c>"close:code"</c> closes from the client.
/// </summary>
/// <param name="Name">The case name.</param>
/// <param name="Path">The path.</param>
/// <param name="Subprotocols">The offered subprotocols.</param>
/// <param name="Script">The client's steps.</param>
public sealed record WebSocketParityCase(string Name, string Path, string[] Subprotocols, params string[] Script)
{
    public override string ToString() => Name;
}
