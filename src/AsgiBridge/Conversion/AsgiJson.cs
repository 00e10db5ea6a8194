using System.Collections;
using System.Globalization;
using System.Text;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using AsgiBridge.Messages;

namespace AsgiBridge.Conversion;

/// <summary>
/// Writes scopes and messages as JSON through their dictionary form, with byte strings written as text: the C# side of
/// the seeds' <c>json.dumps(scope, default=bytes.decode)</c>. Headers come out as <c>[["host", "localhost:8000"], …]</c>,
/// <c>query_string</c> and <c>raw_path</c> as strings, <c>client</c>/<c>server</c> as <c>[host, port]</c>.
/// </summary>
/// <remarks>
/// Byte strings are decoded as UTF-8; where they are not valid UTF-8 (a Latin-1 header value, say) each byte becomes the
/// character of the same number, so the dump never fails (Python's <c>bytes.decode</c> would raise
/// <c>UnicodeDecodeError</c> there). Values JSON has no form for (objects an application put into <c>state</c> or the
/// scope's extra keys) are written as their <see cref="object.ToString"/> text, as <c>default=repr</c> would; nothing
/// here uses reflection, so it is safe for trimming and native AOT. Only what JSON requires is escaped (quotes, back
/// slashes, control characters), so <c>*/*</c> or <c>+</c> in a header stay readable; the output is meant for an
/// <c>application/json</c> body or a log, not for embedding into HTML.
/// </remarks>
public static class AsgiJson
{
    /// <summary>Writes a scope as UTF-8 JSON.</summary>
    /// <param name="scope">The scope; keys it has not read yet are read now, so call this while its connection runs.</param>
    /// <param name="indented">Whether to indent the JSON (default <see langword="false"/>, as <c>json.dumps</c>).</param>
    /// <returns>The UTF-8 JSON bytes, ready for an <c>http.response.body</c>.</returns>
    public static byte[] SerializeScope(AsgiScope scope, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return Serialize(AsgiScopeConverter.ToDictionary(scope), indented);
    }

    /// <summary>Writes a message as UTF-8 JSON, for example to log what an application sent.</summary>
    /// <param name="message">The message.</param>
    /// <param name="indented">Whether to indent the JSON.</param>
    /// <returns>The UTF-8 JSON bytes.</returns>
    public static byte[] SerializeMessage(AsgiMessage message, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Serialize(AsgiMessageConverter.ToDictionary(message), indented);
    }

    /// <summary>Writes any value of the dictionary form (dictionaries, lists, byte strings, numbers, text) as UTF-8 JSON.</summary>
    /// <param name="value">The value.</param>
    /// <param name="indented">Whether to indent the JSON.</param>
    /// <returns>The UTF-8 JSON bytes.</returns>
    public static byte[] Serialize(object? value, bool indented = false)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteValue(writer, value);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes one value of the dictionary form to a JSON writer (byte strings as text).</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The value.</param>
    public static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case byte[] bytes:
                writer.WriteStringValue(DecodeBytes(bytes));
                break;
            case ReadOnlyMemory<byte> memory:
                writer.WriteStringValue(DecodeBytes(memory.Span));
                break;
            case Memory<byte> memory:
                writer.WriteStringValue(DecodeBytes(memory.Span));
                break;
            case int or long or short or sbyte or byte or ushort or uint or ulong or float or double or decimal:
                writer.WriteRawValue(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture), skipInputValidation: false);
                break;
            case IEnumerable<KeyValuePair<string, object?>> dictionary:
                writer.WriteStartObject();
                foreach (var (key, item) in dictionary)
                {
                    writer.WritePropertyName(key);
                    WriteValue(writer, item);
                }

                writer.WriteEndObject();
                break;
            case IDictionary dictionary:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty);
                    WriteValue(writer, entry.Value);
                }

                writer.WriteEndObject();
                break;
            case ITuple tuple:
                // A Python tuple is a JSON array, as json.dumps writes one.
                writer.WriteStartArray();
                for (var i = 0; i < tuple.Length; i++)
                {
                    WriteValue(writer, tuple[i]);
                }

                writer.WriteEndArray();
                break;
            case IEnumerable list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    // Not UTF-8: one character per byte, so the text still shows the exact bytes.
    private static string DecodeBytes(ReadOnlySpan<byte> bytes) =>
        Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : Encoding.Latin1.GetString(bytes);
}
