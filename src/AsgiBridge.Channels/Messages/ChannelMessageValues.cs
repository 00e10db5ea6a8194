using System.Collections;
using System.Collections.ObjectModel;

namespace AsgiBridge.Channels;

/// <summary>
/// Checks and freezes the values a channel message may hold (the channel layer specification's list): strings, byte
/// strings, 64-bit integers, doubles, booleans, null, lists and string-keyed dictionaries of these. Integers become
/// <see cref="int"/> when they fit and <see cref="long"/> otherwise, floats become <see cref="double"/>, so a message reads
/// the same whether it stayed in process or crossed a broker. Byte arrays are copied and collections rebuilt read-only, so
/// the sender cannot change a message after sending it and receivers sharing one message cannot change it for each other.
/// </summary>
internal static class ChannelMessageValues
{
    /// <summary>How deep lists and dictionaries may nest (also stops cycles).</summary>
    public const int MaxDepth = 32;

    private static readonly object s_true = true;
    private static readonly object s_false = false;

    public static object Box(bool value) => value ? s_true : s_false;

    /// <summary>Returns the frozen, normalised form of <paramref name="value"/>.</summary>
    /// <param name="value">The value.</param>
    /// <param name="field">Its path, for the error.</param>
    /// <param name="depth">How deep it is nested.</param>
    /// <returns>The value to store.</returns>
    /// <exception cref="InvalidChannelMessageException">The value is not allowed.</exception>
    public static object? Freeze(object? value, string field, int depth = 0)
    {
        switch (value)
        {
            case null:
            case string:
            case int:
            case double:
                return value;   // already normal and immutable: keep the caller's box
            case bool b:
                return Box(b);
            case long l:
                return l is >= int.MinValue and <= int.MaxValue ? (int)l : value;
            case short or sbyte or byte or ushort:
                return Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
            case uint u:
                return u <= int.MaxValue ? (int)u : (long)u;
            case ulong ul:
                return ul <= int.MaxValue ? (int)ul
                    : ul <= long.MaxValue ? (long)ul
                    : throw new InvalidChannelMessageException(field, $"the integer {ul} is outside the signed 64-bit range.");
            case float f:
                return (double)f;
            case byte[] bytes:
                return bytes.Clone();
            case ReadOnlyMemory<byte> memory:
                return memory.ToArray();
            case Memory<byte> memory:
                return memory.ToArray();
            case ChannelMessage message:
                return message;   // immutable already
        }

        if (depth >= MaxDepth)
        {
            throw new InvalidChannelMessageException(field, $"lists and dictionaries nest deeper than {MaxDepth} levels (is there a cycle?).");
        }

        return value switch
        {
            IReadOnlyDictionary<string, object?> map => FreezeMap(map, field, depth + 1),
            IDictionary<string, object?> map => FreezeMap(map, field, depth + 1),
            IDictionary => throw new InvalidChannelMessageException(field, "dictionaries must have string keys and object? values (IReadOnlyDictionary<string, object?>)."),
            IEnumerable list => FreezeList(list, field, depth + 1),
            _ => throw new InvalidChannelMessageException(field, $"values of type {value.GetType().FullName} are not allowed; use strings, byte[], integers, doubles, booleans, null, lists or string-keyed dictionaries."),
        };
    }

    /// <summary>Checks that a top-level key is a valid field name.</summary>
    public static void CheckKey(string? key, string field)
    {
        if (key is null)
        {
            throw new InvalidChannelMessageException(field, "field names must not be null.");
        }
    }

    // Nested fields are checked under their own key; the full path is only built when one fails, so a valid message
    // costs no path strings.
    private static ReadOnlyDictionary<string, object?> FreezeMap(IEnumerable<KeyValuePair<string, object?>> map, string field, int depth)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, item) in map)
        {
            try
            {
                CheckKey(key, string.Empty);
                copy[key] = Freeze(item, key, depth);
            }
            catch (InvalidChannelMessageException e)
            {
                throw new InvalidChannelMessageException($"{field}.{e.Field}", e.Problem);
            }
        }

        return copy.AsReadOnly();
    }

    private static ReadOnlyCollection<object?> FreezeList(IEnumerable list, string field, int depth)
    {
        var copy = new List<object?>();
        foreach (var item in list)
        {
            try
            {
                copy.Add(Freeze(item, string.Empty, depth));
            }
            catch (InvalidChannelMessageException e)
            {
                throw new InvalidChannelMessageException($"{field}[{copy.Count}]{e.Field}", e.Problem);
            }
        }

        return copy.AsReadOnly();
    }
}
