using System.Runtime.InteropServices;
using System.Text;

namespace AsgiBridge.Conversion;

/// <summary>
/// Writes .NET values in the dictionary form: byte strings as <c>byte[]</c>, lists as
/// <see cref="List{T}"/> of <see cref="object"/>, dicts as <see cref="Dictionary{TKey, TValue}"/>.
/// </summary>
internal static class DictionaryValueWriter
{
    /// <summary>
    /// Returns the bytes as an array. Memory that covers a whole array is returned as that array (Python bytes are
    /// never mutated, so sharing is safe and a body chunk is not copied twice); any other memory is copied.
    /// </summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The array.</returns>
    public static byte[] Bytes(ReadOnlyMemory<byte> bytes)
    {
        if (MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length)
        {
            return segment.Array;
        }

        return bytes.ToArray();
    }

    /// <summary>Encodes text whose characters are bytes (Latin-1) back into those bytes; anything above U+00FF is an error, never a silent <c>?</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="messageType">The message type named in the error, if any.</param>
    /// <param name="field">The field named in the error.</param>
    /// <returns>The bytes.</returns>
    public static byte[] Latin1(string text, string? messageType, string field)
    {
        var bad = text.AsSpan().IndexOfAnyExceptInRange('\0', '\u00FF');
        if (bad >= 0)
        {
            throw new AsgiProtocolException(messageType, field,
                $"contains U+{(int)text[bad]:X4}, which is not a byte; byte strings hold only characters U+0000 to U+00FF.");
        }

        return Encoding.Latin1.GetBytes(text);
    }

    /// <summary>Writes headers as a list of <c>[name, value]</c> byte-string pairs.</summary>
    /// <param name="headers">The headers.</param>
    /// <param name="messageType">The message type named in errors, if any.</param>
    /// <param name="field">The field named in errors.</param>
    /// <returns>The list.</returns>
    public static List<object?> Headers(IReadOnlyList<AsgiHeader> headers, string? messageType, string field)
    {
        var list = new List<object?>(headers.Count);
        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i];
            list.Add(new List<object?>(2) { Latin1(header.Name, messageType, field), Latin1(header.Value, messageType, field) });
        }

        return list;
    }

    /// <summary>Writes Latin-1 texts as a list of byte strings.</summary>
    /// <param name="values">The texts.</param>
    /// <param name="messageType">The message type named in errors.</param>
    /// <param name="field">The field named in errors.</param>
    /// <returns>The list.</returns>
    public static List<object?> ByteStrings(IReadOnlyList<string> values, string messageType, string field)
    {
        var list = new List<object?>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            list.Add(Latin1(values[i], messageType, field));
        }

        return list;
    }

    /// <summary>Writes texts as a list of str.</summary>
    /// <param name="values">The texts.</param>
    /// <returns>The list.</returns>
    public static List<object?> Strings(IReadOnlyList<string> values)
    {
        var list = new List<object?>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            list.Add(values[i]);
        }

        return list;
    }

    /// <summary>Writes an endpoint as <c>[host, port]</c> (port None for a unix socket).</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <returns>The list.</returns>
    public static List<object?> Endpoint(AsgiAddress endpoint) => new(2) { endpoint.Host, endpoint.Port };

    /// <summary>Writes the <c>asgi</c> scope key.</summary>
    /// <param name="version">The versions.</param>
    /// <returns><c>{"version": …, "spec_version": …}</c>.</returns>
    public static Dictionary<string, object?> Version(AsgiVersion version) => new(2, StringComparer.Ordinal)
    {
        ["version"] = version.Version,
        ["spec_version"] = version.SpecVersion,
    };

    /// <summary>Returns a dictionary as an <see cref="IDictionary{TKey, TValue}"/>: the same object when it is one, otherwise a copy.</summary>
    /// <param name="dictionary">The dictionary.</param>
    /// <returns>The mutable-interface dictionary.</returns>
    public static IDictionary<string, object?> Dictionary(IReadOnlyDictionary<string, object?> dictionary) =>
        dictionary as IDictionary<string, object?> ?? new Dictionary<string, object?>(dictionary, StringComparer.Ordinal);
}
