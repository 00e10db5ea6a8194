using System.Runtime.CompilerServices;

namespace AsgiBridge.Messages;

/// <summary>
/// The <c>websocket.send</c> event: one message to the client. Exactly one of <see cref="Bytes"/> and <see cref="Text"/>
/// must be set; the bridge rejects both or neither.
/// </summary>
public sealed class WebSocketSend : AsgiMessage
{
    /// <summary>Creates the event. Prefer <see cref="FromText"/> or <see cref="FromBytes(ReadOnlyMemory{byte})"/>.</summary>
    /// <param name="bytes">The binary payload, or <see langword="null"/>.</param>
    /// <param name="text">The text payload, or <see langword="null"/>.</param>
    public WebSocketSend(ReadOnlyMemory<byte>? bytes, string? text)
    {
        Bytes = bytes;
        Text = text;
    }

    /// <inheritdoc />
    public override string Type => AsgiMessageTypes.WebSocketSend;

    /// <summary>The <c>bytes</c> field.</summary>
    public ReadOnlyMemory<byte>? Bytes { get; }

    /// <summary>The <c>text</c> field.</summary>
    public string? Text { get; }

    /// <summary>Creates a text message.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The event.</returns>
    public static WebSocketSend FromText(string text) => new(null, text ?? throw new ArgumentNullException(nameof(text)));

    /// <summary>Creates a binary message.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The event.</returns>
    [OverloadResolutionPriority(1)] // a byte[] or `default` keeps binding here, without a copy
    public static WebSocketSend FromBytes(ReadOnlyMemory<byte> bytes) => new(bytes, null);

    /// <summary>Creates a binary message from a span, such as a <c>"..."u8</c> literal; the bytes are copied.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The event.</returns>
    public static WebSocketSend FromBytes(ReadOnlySpan<byte> bytes) => new(bytes.ToArray(), null);
}
