using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AsgiBridge.Seeds.Tests.Ports;

/// <summary>
/// Python's <c>json.dumps</c> (default separators <c>", "</c> and <c>": "</c>, <c>ensure_ascii</c>) and
/// <c>urllib.parse.parse_qs</c>, so a port's body is byte for byte what its original sends.
/// </summary>
internal static class PythonJson
{
    /// <summary><c>json.dumps(value)</c>.</summary>
    /// <param name="value">Dictionaries, lists, strings, numbers, booleans, <see langword="null"/> or a <see cref="JsonElement"/>.</param>
    /// <returns>The JSON text.</returns>
    public static string Dumps(object? value)
    {
        var builder = new StringBuilder();
        Write(builder, value);
        return builder.ToString();
    }

    /// <summary><c>urllib.parse.parse_qs(text)</c>: blank values dropped, <c>+</c> and percent escapes decoded as UTF-8.</summary>
    /// <param name="text">The query or form text.</param>
    /// <returns>Every name with its values, in first-seen order.</returns>
    public static Dictionary<string, List<string>> ParseQs(string text)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var field in text.Split('&'))
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0 || equals == field.Length - 1)
            {
                continue;
            }

            var name = Uri.UnescapeDataString(field[..equals].Replace('+', ' '));
            var value = Uri.UnescapeDataString(field[(equals + 1)..].Replace('+', ' '));
            if (!result.TryGetValue(name, out var values))
            {
                result[name] = values = [];
            }

            values.Add(value);
        }

        return result;
    }

    private static void Write(StringBuilder builder, object? value)
    {
        switch (value)
        {
            case null:
                builder.Append("null");
                break;
            case bool b:
                builder.Append(b ? "true" : "false");
                break;
            case string s:
                WriteString(builder, s);
                break;
            case int or long or short:
                builder.Append(Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                builder.Append(d.ToString("R", CultureInfo.InvariantCulture));
                break;
            case JsonElement element:
                WriteElement(builder, element);
                break;
            case IDictionary dictionary:
                builder.Append('{');
                var first = true;
                foreach (DictionaryEntry entry in dictionary)
                {
                    builder.Append(first ? string.Empty : ", ");
                    first = false;
                    WriteString(builder, (string)entry.Key);
                    builder.Append(": ");
                    Write(builder, entry.Value);
                }

                builder.Append('}');
                break;
            case IEnumerable sequence:
                builder.Append('[');
                var firstItem = true;
                foreach (var item in sequence)
                {
                    builder.Append(firstItem ? string.Empty : ", ");
                    firstItem = false;
                    Write(builder, item);
                }

                builder.Append(']');
                break;
            default:
                throw new NotSupportedException($"json.dumps of {value.GetType()}");
        }
    }

    private static void WriteElement(StringBuilder builder, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                Write(builder, element.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value));
                break;
            case JsonValueKind.Array:
                Write(builder, element.EnumerateArray().Select(e => (object?)e).ToList());
                break;
            case JsonValueKind.String:
                WriteString(builder, element.GetString()!);
                break;
            case JsonValueKind.Number:
                builder.Append(element.GetRawText());
                break;
            case JsonValueKind.True or JsonValueKind.False:
                builder.Append(element.GetBoolean() ? "true" : "false");
                break;
            default:
                builder.Append("null");
                break;
        }
    }

    private static void WriteString(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e)
                    {
                        builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }
}
