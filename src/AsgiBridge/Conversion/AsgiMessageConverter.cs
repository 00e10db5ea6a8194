using System.Collections.ObjectModel;
using AsgiBridge.Conversion;
using AsgiBridge.Messages;

namespace AsgiBridge.Conversion;

/// <summary>
/// Converts ASGI messages between the typed classes and the dictionary form of the specification (string keys;
/// values <c>byte[]</c> for bytes, <see cref="string"/>, <see cref="int"/>, <see cref="bool"/>, lists,
/// dictionaries and <see langword="null"/> for None), for code ported line by line from Python and for bridges to
/// foreign ASGI peers. Converting a message to a dictionary and back gives an equal message.
/// </summary>
/// <remarks>
/// <para>
/// Reading follows the specification's optional-field semantics: an optional field may be absent (it then takes its
/// default), but present with None only where the specification says "missing or None" (<c>websocket.close</c> and
/// <c>websocket.disconnect</c> <c>reason</c>, <c>websocket.accept</c> <c>subprotocol</c>, and the <c>bytes</c>/<c>text</c>
/// pair of <c>websocket.send</c>/<c>websocket.receive</c>, exactly one of which must be non-None). Unknown keys are
/// ignored, for forward compatibility. Integers may be any integral CLR type; booleans and floating-point numbers are
/// not accepted as integers. Bytes may be <c>byte[]</c>, <see cref="ReadOnlyMemory{T}"/>, <see cref="Memory{T}"/>
/// or <see cref="ArraySegment{T}"/>; lists any <see cref="System.Collections.IList"/>, value tuple or other sequence.
/// Conversion checks shapes and types only: protocol rules such as lower-case response header names are enforced by
/// <c>send</c>, exactly as for typed messages.
/// </para>
/// <para>
/// Writing always produces every field of the message with its value (defaults included), except None-valued
/// optional fields, which are left out. Byte arrays are shared rather than copied where a memory covers a whole array.
/// </para>
/// </remarks>
public static class AsgiMessageConverter
{
    private const string ZeroCopySend = "http.response.zerocopysend";

    /// <summary>Converts a message to its dictionary form.</summary>
    /// <param name="message">The message.</param>
    /// <returns>A new dictionary whose <c>"type"</c> is the message type, with every field of the message.</returns>
    /// <exception cref="AsgiProtocolException">The message is not one of the specification's, or holds a header or link that is not a byte string.</exception>
    public static Dictionary<string, object?> ToDictionary(AsgiMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var type = message.Type;
        var d = new Dictionary<string, object?>(4, StringComparer.Ordinal) { ["type"] = type };
        switch (message)
        {
            case HttpRequestBody m:
                d["body"] = DictionaryValueWriter.Bytes(m.Body);
                d["more_body"] = m.MoreBody;
                break;
            case HttpResponseStart m:
                d["status"] = m.Status;
                d["headers"] = DictionaryValueWriter.Headers(m.Headers, type, "headers");
                d["trailers"] = m.Trailers;
                break;
            case HttpResponseBody m:
                d["body"] = DictionaryValueWriter.Bytes(m.Body);
                d["more_body"] = m.MoreBody;
                break;
            case HttpResponseTrailers m:
                d["headers"] = DictionaryValueWriter.Headers(m.Headers, type, "headers");
                d["more_trailers"] = m.MoreTrailers;
                break;
            case HttpResponsePathSend m:
                d["path"] = m.Path;
                break;
            case HttpResponseEarlyHint m:
                d["links"] = DictionaryValueWriter.ByteStrings(m.Links, type, "links");
                break;
            case HttpResponsePush m:
                d["path"] = m.Path;
                d["headers"] = DictionaryValueWriter.Headers(m.Headers, type, "headers");
                break;
            case HttpResponseDebug m:
                d["info"] = DictionaryValueWriter.Dictionary(m.Info);
                break;
            case WebSocketAccept m:
                if (m.Subprotocol is not null)
                {
                    d["subprotocol"] = m.Subprotocol;
                }

                d["headers"] = DictionaryValueWriter.Headers(m.Headers, type, "headers");
                break;
            case WebSocketReceive m:
                WritePayload(d, type, m.Bytes, m.Text);
                break;
            case WebSocketSend m:
                WritePayload(d, type, m.Bytes, m.Text);
                break;
            case WebSocketDisconnect m:
                d["code"] = m.Code;
                d["reason"] = m.Reason;
                break;
            case WebSocketClose m:
                d["code"] = m.Code;
                d["reason"] = m.Reason;
                break;
            case WebSocketHttpResponseStart m:
                d["status"] = m.Status;
                d["headers"] = DictionaryValueWriter.Headers(m.Headers, type, "headers");
                break;
            case WebSocketHttpResponseBody m:
                d["body"] = DictionaryValueWriter.Bytes(m.Body);
                d["more_body"] = m.MoreBody;
                break;
            case LifespanStartupFailed m:
                d["message"] = m.Message;
                break;
            case LifespanShutdownFailed m:
                d["message"] = m.Message;
                break;
            case HttpDisconnect or WebSocketConnect or LifespanStartup or LifespanStartupComplete
                or LifespanShutdown or LifespanShutdownComplete:
                break;
            default:
                throw new AsgiProtocolException(type, null, $"{message.GetType().Name} is not a message of the ASGI specification, so it has no dictionary form.");
        }

        return d;
    }

    /// <summary>Converts a message in dictionary form to the typed message.</summary>
    /// <param name="message">The message: a <c>"type"</c> key and the fields of that type.</param>
    /// <returns>The typed message; payload-free messages are the singletons.</returns>
    /// <exception cref="AsgiProtocolException">The type is unknown, a required field is missing or a field has the wrong type; the message names the type and the field.</exception>
    public static AsgiMessage FromDictionary(IReadOnlyDictionary<string, object?> message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!message.TryGetValue("type", out var typeValue))
        {
            throw new AsgiProtocolException(null, "type", "an ASGI message must have a 'type' key.");
        }

        if (typeValue is not string type)
        {
            throw new AsgiProtocolException(null, "type", $"the message type must be str, got {DictionaryValueReader.Describe(typeValue)}.");
        }

        return Read(type, DictionaryFieldReader.ForMessage(message, type));
    }

    /// <inheritdoc cref="FromDictionary(IReadOnlyDictionary{string, object?})"/>
    public static AsgiMessage FromDictionary(IDictionary<string, object?> message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return FromDictionary(message as IReadOnlyDictionary<string, object?> ?? new ReadOnlyDictionary<string, object?>(message));
    }

    /// <inheritdoc cref="FromDictionary(IReadOnlyDictionary{string, object?})"/>
    public static AsgiMessage FromDictionary(Dictionary<string, object?> message) => FromDictionary((IReadOnlyDictionary<string, object?>)message);

    private static AsgiMessage Read(string type, DictionaryFieldReader f) => type switch
    {
        AsgiMessageTypes.HttpRequest => new HttpRequestBody(f.OptionalBytes("body"), f.OptionalBool("more_body")),
        AsgiMessageTypes.HttpDisconnect => HttpDisconnect.Instance,
        AsgiMessageTypes.HttpResponseStart => new HttpResponseStart(f.RequiredInt("status"), f.Headers("headers", required: false), f.OptionalBool("trailers")),
        AsgiMessageTypes.HttpResponseBody => new HttpResponseBody(f.OptionalBytes("body"), f.OptionalBool("more_body")),
        AsgiMessageTypes.HttpResponseTrailers => new HttpResponseTrailers(f.Headers("headers", required: false), f.OptionalBool("more_trailers")),
        AsgiMessageTypes.HttpResponsePathSend => new HttpResponsePathSend(f.RequiredString("path")),
        AsgiMessageTypes.HttpResponseEarlyHint => new HttpResponseEarlyHint(f.RequiredByteStrings("links")),
        AsgiMessageTypes.HttpResponsePush => new HttpResponsePush(f.RequiredString("path"), f.Headers("headers", required: true)),
        AsgiMessageTypes.HttpResponseDebug => new HttpResponseDebug(f.RequiredDictionary("info")),
        AsgiMessageTypes.WebSocketConnect => WebSocketConnect.Instance,
        AsgiMessageTypes.WebSocketAccept => new WebSocketAccept(f.NullableString("subprotocol"), f.Headers("headers", required: false)),
        AsgiMessageTypes.WebSocketReceive => ReadReceive(f),
        AsgiMessageTypes.WebSocketSend => ReadSend(f),
        AsgiMessageTypes.WebSocketDisconnect => new WebSocketDisconnect(f.RequiredInt("code"), f.OptionalString("reason", string.Empty, noneIsDefault: true)),
        AsgiMessageTypes.WebSocketClose => new WebSocketClose(f.OptionalInt("code", 1000), f.OptionalString("reason", string.Empty, noneIsDefault: true)),
        AsgiMessageTypes.WebSocketHttpResponseStart => new WebSocketHttpResponseStart(f.RequiredInt("status"), f.Headers("headers", required: false)),
        AsgiMessageTypes.WebSocketHttpResponseBody => new WebSocketHttpResponseBody(f.OptionalBytes("body"), f.OptionalBool("more_body")),
        AsgiMessageTypes.LifespanStartup => LifespanStartup.Instance,
        AsgiMessageTypes.LifespanStartupComplete => LifespanStartupComplete.Instance,
        AsgiMessageTypes.LifespanStartupFailed => new LifespanStartupFailed(f.OptionalString("message", string.Empty)),
        AsgiMessageTypes.LifespanShutdown => LifespanShutdown.Instance,
        AsgiMessageTypes.LifespanShutdownComplete => LifespanShutdownComplete.Instance,
        AsgiMessageTypes.LifespanShutdownFailed => new LifespanShutdownFailed(f.OptionalString("message", string.Empty)),
        ZeroCopySend => throw new AsgiProtocolException(type, "type", "the zerocopysend extension is not supported (file descriptors do not cross into .NET); use http.response.pathsend."),
        _ => throw new AsgiProtocolException(type, "type", "unknown ASGI message type."),
    };

    private static WebSocketReceive ReadReceive(DictionaryFieldReader f)
    {
        var (bytes, text) = ReadPayload(f);
        return bytes is { } payload ? WebSocketReceive.FromBytes(payload) : WebSocketReceive.FromText(text!);
    }

    private static WebSocketSend ReadSend(DictionaryFieldReader f)
    {
        var (bytes, text) = ReadPayload(f);
        return new WebSocketSend(bytes, text);
    }

    private static (ReadOnlyMemory<byte>? Bytes, string? Text) ReadPayload(DictionaryFieldReader f)
    {
        var bytes = f.NullableBytes("bytes");
        var text = f.NullableString("text");
        if (bytes.HasValue == (text is not null))
        {
            throw f.Error("bytes/text", bytes.HasValue
                ? "exactly one of 'bytes' and 'text' must be non-None, but both are."
                : "exactly one of 'bytes' and 'text' must be non-None, but neither is.");
        }

        return (bytes, text);
    }

    private static void WritePayload(Dictionary<string, object?> d, string type, ReadOnlyMemory<byte>? bytes, string? text)
    {
        if (bytes.HasValue == (text is not null))
        {
            throw new AsgiProtocolException(type, "bytes/text", bytes.HasValue
                ? "exactly one of 'bytes' and 'text' must be set, but both are."
                : "exactly one of 'bytes' and 'text' must be set, but neither is.");
        }

        if (bytes is { } payload)
        {
            d["bytes"] = DictionaryValueWriter.Bytes(payload);
        }
        else
        {
            d["text"] = text;
        }
    }
}
