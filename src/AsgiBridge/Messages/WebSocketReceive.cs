namespace AsgiBridge.Messages;

/// <summary>The <c>websocket.receive</c> event: one complete message; exactly one of <see cref="Bytes"/> and <see cref="Text"/> is set.</summary>
public sealed class WebSocketReceive : AsgiMessage
{
    private WebSocketReceive(ReadOnlyMemory<byte>? bytes, string? text)
    {
        Bytes = bytes;
        Text = text;
    }

    /// <inheritdoc />
    public override string Type => AsgiMessageTypes.WebSocketReceive;

    /// <summary>The <c>bytes</c> field: the payload of a binary message, or <see langword="null"/>.</summary>
    public ReadOnlyMemory<byte>? Bytes { get; }

    /// <summary>The <c>text</c> field: the payload of a text message, or <see langword="null"/>.</summary>
    public string? Text { get; }

    /// <summary>Creates a text message.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The event.</returns>
    public static WebSocketReceive FromText(string text) => new(null, text ?? throw new ArgumentNullException(nameof(text)));

    /// <summary>Creates a binary message.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The event.</returns>
    public static WebSocketReceive FromBytes(ReadOnlyMemory<byte> bytes) => new(bytes, null);
}
