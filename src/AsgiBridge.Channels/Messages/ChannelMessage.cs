using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace AsgiBridge.Channels;

/// <summary>
/// One channel-layer message in the Channels dictionary form, <c>{"type": "chat.message", ...}</c>: an immutable
/// <see cref="IReadOnlyDictionary{TKey, TValue}"/> whose <c>type</c> is a non-empty string and whose values are those the
/// channel layer specification allows (strings, <see cref="byte"/>[], integers, doubles, booleans, null, lists and
/// string-keyed dictionaries). Build one with an initializer,
/// <c>new ChannelMessage("chat.message") { ["text"] = "hi" }</c>, or from any dictionary with <see cref="From"/>.
/// Integers read back as <see cref="int"/> when they fit and <see cref="long"/> otherwise, floats as <see cref="double"/>,
/// whichever backend carried the message. A message is shared by every receiver of a group send: treat nested values as
/// read-only (collections are read-only wrappers).
/// </summary>
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "A channel message is the Channels concept; it is a dictionary only in form.")]
public sealed class ChannelMessage : IReadOnlyDictionary<string, object?>
{
    /// <summary>The key every message has: what kind of message it is, such as <c>chat.message</c>.</summary>
    public const string TypeKey = "type";

    private readonly Dictionary<string, object?> _fields;

    /// <summary>Creates a message of the given type; add fields with an initializer (<c>{ ["text"] = "hi" }</c>).</summary>
    /// <param name="type">The <c>type</c> field, such as <c>chat.message</c>.</param>
    /// <exception cref="InvalidChannelMessageException"><paramref name="type"/> is null or empty.</exception>
    public ChannelMessage(string type)
    {
        _fields = new Dictionary<string, object?>(4, StringComparer.Ordinal) { [TypeKey] = CheckType(type) };
    }

    /// <summary>Wraps fields that are already frozen and normalised (the deserializer's output).</summary>
    private ChannelMessage(Dictionary<string, object?> frozenFields) => _fields = frozenFields;

    /// <summary>The <c>type</c> field.</summary>
    public string Type => (string)_fields[TypeKey]!;

    /// <summary>The number of fields, <c>type</c> included.</summary>
    public int Count => _fields.Count;

    /// <summary>The field names.</summary>
    public IEnumerable<string> Keys => _fields.Keys;

    /// <summary>The field values.</summary>
    public IEnumerable<object?> Values => _fields.Values;

    /// <summary>
    /// Reads a field (throws <see cref="KeyNotFoundException"/> when absent, as a Python dict does), or sets one while the
    /// message is being initialised; the value is checked and frozen then.
    /// </summary>
    /// <param name="key">The field name.</param>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidChannelMessageException">An initialised value is not allowed, or <c>type</c> is not a non-empty string.</exception>
    public object? this[string key]
    {
        get => _fields.TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The channel message of type '{Type}' has no field '{key}'.");
        init
        {
            ChannelMessageValues.CheckKey(key, "(key)");
            _fields[key] = key == TypeKey ? CheckType(value) : ChannelMessageValues.Freeze(value, key);
        }
    }

    /// <summary>
    /// Returns <paramref name="message"/> as a <see cref="ChannelMessage"/>: the same instance when it is one, otherwise a
    /// checked, frozen copy (so changing the source afterwards does not change what was sent).
    /// </summary>
    /// <param name="message">The message in dictionary form, with a <c>type</c>.</param>
    /// <returns>The message.</returns>
    /// <exception cref="InvalidChannelMessageException">The message has no string <c>type</c> or holds a value that is not allowed; the exception names the field.</exception>
    public static ChannelMessage From(IReadOnlyDictionary<string, object?> message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is ChannelMessage ready)
        {
            return ready;
        }

        if (!message.TryGetValue(TypeKey, out var type) || type is null)
        {
            throw new InvalidChannelMessageException(TypeKey, "is missing; every channel message needs a string 'type'.");
        }

        var fields = new Dictionary<string, object?>(message.Count, StringComparer.Ordinal);
        foreach (var (key, value) in message)
        {
            ChannelMessageValues.CheckKey(key, "(key)");
            fields[key] = key == TypeKey ? CheckType(value) : ChannelMessageValues.Freeze(value, key);
        }

        return new ChannelMessage(fields);
    }

    /// <summary>Returns a copy with one field added or replaced.</summary>
    /// <param name="key">The field name.</param>
    /// <param name="value">The value (checked and frozen).</param>
    /// <returns>The new message.</returns>
    public ChannelMessage With(string key, object? value)
    {
        ChannelMessageValues.CheckKey(key, "(key)");
        var fields = new Dictionary<string, object?>(_fields, StringComparer.Ordinal)
        {
            [key] = key == TypeKey ? CheckType(value) : ChannelMessageValues.Freeze(value, key),
        };
        return new ChannelMessage(fields);
    }

    /// <summary>Reads a string field.</summary>
    /// <param name="key">The field name.</param>
    /// <returns>The string.</returns>
    /// <exception cref="InvalidChannelMessageException">The field is missing or not a string.</exception>
    public string GetString(string key) => Get<string>(key, "a string");

    /// <summary>Reads an integer field as <see cref="long"/>.</summary>
    /// <param name="key">The field name.</param>
    /// <returns>The integer.</returns>
    /// <exception cref="InvalidChannelMessageException">The field is missing or not an integer.</exception>
    public long GetInt64(string key) => Lookup(key) switch
    {
        int i => i,
        long l => l,
        var other => throw WrongType(key, other, "an integer"),
    };

    /// <summary>Reads an integer field as <see cref="int"/>.</summary>
    /// <param name="key">The field name.</param>
    /// <returns>The integer.</returns>
    /// <exception cref="InvalidChannelMessageException">The field is missing, not an integer, or outside the 32-bit range.</exception>
    public int GetInt32(string key) => Lookup(key) switch
    {
        int i => i,
        var other => throw WrongType(key, other, "a 32-bit integer"),
    };

    /// <summary>Reads a number field as <see cref="double"/> (integers are widened).</summary>
    /// <param name="key">The field name.</param>
    /// <returns>The number.</returns>
    /// <exception cref="InvalidChannelMessageException">The field is missing or not a number.</exception>
    public double GetDouble(string key) => Lookup(key) switch
    {
        double d => d,
        int i => i,
        long l => l,
        var other => throw WrongType(key, other, "a number"),
    };

    /// <summary>Reads a boolean field.</summary>
    /// <param name="key">The field name.</param>
    /// <returns>The boolean.</returns>
    /// <exception cref="InvalidChannelMessageException">The field is missing or not a boolean.</exception>
    public bool GetBoolean(string key) => Lookup(key) switch
    {
        bool b => b,
        var other => throw WrongType(key, other, "a boolean"),
    };

    /// <summary>Reads a byte-string field. The array is shared with other receivers: do not change it.</summary>
    /// <param name="key">The field name.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="InvalidChannelMessageException">The field is missing or not a byte string.</exception>
    public byte[] GetBytes(string key) => Get<byte[]>(key, "a byte string");

    /// <inheritdoc />
    public bool ContainsKey(string key) => _fields.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value) => _fields.TryGetValue(key, out value);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _fields.GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Wraps fields the deserializer produced (already frozen and normalised, with a string <c>type</c>).</summary>
    internal static ChannelMessage FromFrozen(Dictionary<string, object?> fields) => new(fields);

    /// <summary>The fields, for the serializer.</summary>
    internal Dictionary<string, object?> Fields => _fields;

    private T Get<T>(string key, string expected) => Lookup(key) is T value ? value : throw WrongType(key, Lookup(key), expected);

    private object? Lookup(string key) => _fields.TryGetValue(key, out var value)
        ? value
        : throw new InvalidChannelMessageException(key, $"is missing from the message of type '{Type}'.");

    private static InvalidChannelMessageException WrongType(string key, object? value, string expected) =>
        new(key, $"expected {expected}, got {(value is null ? "null" : value.GetType().Name)}.");

    private static string CheckType(object? type) => type switch
    {
        string { Length: > 0 } name => name,
        string or null => throw new InvalidChannelMessageException(TypeKey, "must be a non-empty string."),
        _ => throw new InvalidChannelMessageException(TypeKey, $"must be a string, not {type.GetType().Name}."),
    };
}
