using System.Text;

namespace AsgiBridge.Conversion;

/// <summary>
/// Reads the fields of one ASGI message or scope in dictionary form with the specification's optional-field
/// semantics: "optional" means the key may be absent (a key present with <see langword="null"/> is a type error),
/// except where the specification says "missing or None". Every error is an <see cref="AsgiProtocolException"/>
/// naming the message type (or scope type) and the field.
/// </summary>
internal readonly struct DictionaryFieldReader
{
    private readonly IReadOnlyDictionary<string, object?> _fields;
    private readonly string? _messageType;
    private readonly string? _scopeType;

    private DictionaryFieldReader(IReadOnlyDictionary<string, object?> fields, string? messageType, string? scopeType)
    {
        _fields = fields;
        _messageType = messageType;
        _scopeType = scopeType;
    }

    /// <summary>Creates a reader for the fields of a message.</summary>
    /// <param name="fields">The message.</param>
    /// <param name="messageType">Its <c>type</c>, named in errors.</param>
    /// <returns>The reader.</returns>
    public static DictionaryFieldReader ForMessage(IReadOnlyDictionary<string, object?> fields, string messageType) => new(fields, messageType, null);

    /// <summary>Creates a reader for the keys of a scope, or of a dictionary nested in one.</summary>
    /// <param name="fields">The scope.</param>
    /// <param name="scopeType">Its <c>type</c>, named in errors.</param>
    /// <returns>The reader.</returns>
    public static DictionaryFieldReader ForScope(IReadOnlyDictionary<string, object?> fields, string scopeType) => new(fields, null, scopeType);

    /// <summary>Creates the error for a field, naming the message or scope type.</summary>
    /// <param name="field">The field at fault.</param>
    /// <param name="problem">What is wrong.</param>
    /// <returns>The exception to throw.</returns>
    public AsgiProtocolException Error(string field, string problem) => _messageType is not null
        ? new AsgiProtocolException(_messageType, field, problem)
        : new AsgiProtocolException(null, field, $"{problem.TrimEnd('.')} (in an ASGI '{_scopeType}' scope).");

    /// <summary>Reads a field that may be present with any value.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">Its value.</param>
    /// <returns><see langword="true"/> when the key is present.</returns>
    public bool TryGet(string field, out object? value) => _fields.TryGetValue(field, out value);

    /// <summary>Reads a required str.</summary>
    /// <param name="field">The field.</param>
    /// <returns>The text.</returns>
    public string RequiredString(string field) => AsString(field, Required(field));

    /// <summary>Reads an optional str: absent means <paramref name="defaultValue"/>; None too when <paramref name="noneIsDefault"/>.</summary>
    /// <param name="field">The field.</param>
    /// <param name="defaultValue">The default.</param>
    /// <param name="noneIsDefault">Whether the specification says "missing or None".</param>
    /// <returns>The text.</returns>
    public string OptionalString(string field, string defaultValue, bool noneIsDefault = false)
    {
        if (!_fields.TryGetValue(field, out var value) || (value is null && noneIsDefault))
        {
            return defaultValue;
        }

        return AsString(field, value);
    }

    /// <summary>Reads a str whose default is None: absent or None gives <see langword="null"/>.</summary>
    /// <param name="field">The field.</param>
    /// <returns>The text or <see langword="null"/>.</returns>
    public string? NullableString(string field) =>
        _fields.TryGetValue(field, out var value) && value is not null ? AsString(field, value) : null;

    /// <summary>Reads a required int that fits 32 bits.</summary>
    /// <param name="field">The field.</param>
    /// <returns>The number.</returns>
    public int RequiredInt(string field) => AsInt(field, Required(field));

    /// <summary>Reads an optional int: absent means <paramref name="defaultValue"/>.</summary>
    /// <param name="field">The field.</param>
    /// <param name="defaultValue">The default.</param>
    /// <returns>The number.</returns>
    public int OptionalInt(string field, int defaultValue) =>
        _fields.TryGetValue(field, out var value) ? AsInt(field, value) : defaultValue;

    /// <summary>Reads an optional bool: absent means <paramref name="defaultValue"/>.</summary>
    /// <param name="field">The field.</param>
    /// <param name="defaultValue">The default.</param>
    /// <returns>The flag.</returns>
    public bool OptionalBool(string field, bool defaultValue = false)
    {
        if (!_fields.TryGetValue(field, out var value))
        {
            return defaultValue;
        }

        return value is bool flag ? flag : throw Error(field, $"expected bool, got {DictionaryValueReader.Describe(value)}.");
    }

    /// <summary>Reads required bytes.</summary>
    /// <param name="field">The field.</param>
    /// <returns>The bytes.</returns>
    public ReadOnlyMemory<byte> RequiredBytes(string field) => AsBytes(field, Required(field));

    /// <summary>Reads optional bytes: absent means empty; None too when <paramref name="noneIsDefault"/>.</summary>
    /// <param name="field">The field.</param>
    /// <param name="noneIsDefault">Whether the specification says "missing or None".</param>
    /// <returns>The bytes.</returns>
    public ReadOnlyMemory<byte> OptionalBytes(string field, bool noneIsDefault = false)
    {
        if (!_fields.TryGetValue(field, out var value) || (value is null && noneIsDefault))
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        return AsBytes(field, value);
    }

    /// <summary>Reads bytes whose default is None: absent or None gives <see langword="null"/>.</summary>
    /// <param name="field">The field.</param>
    /// <returns>The bytes or <see langword="null"/>.</returns>
    public ReadOnlyMemory<byte>? NullableBytes(string field)
    {
        // Not a conditional expression: a bare null would convert to an empty ReadOnlyMemory (through byte[]), not to None.
        if (_fields.TryGetValue(field, out var value) && value is not null)
        {
            return AsBytes(field, value);
        }

        return null;
    }

    /// <summary>Reads a header list (<c>[[name, value], …]</c> of bytes); absent gives an empty list unless required.</summary>
    /// <param name="field">The field.</param>
    /// <param name="required">Whether the key must be present.</param>
    /// <returns>The headers, with names and values as Latin-1 text (the exact bytes).</returns>
    public IReadOnlyList<AsgiHeader> Headers(string field, bool required)
    {
        if (!_fields.TryGetValue(field, out var value))
        {
            return required ? throw Error(field, "is required but missing.") : Array.Empty<AsgiHeader>();
        }

        var list = AsList(field, value, "a list of [name, value] byte-string pairs");
        var headers = new AsgiHeader[list.Count];
        for (var i = 0; i < headers.Length; i++)
        {
            var item = list[i];
            if (!DictionaryList.TryCreate(item, out var pair) || pair.Count != 2)
            {
                throw Error(field, $"item {i} must be a [name, value] pair of bytes, got {DictionaryValueReader.Describe(item)}.");
            }

            if (!DictionaryValueReader.TryGetBytes(pair[0], out var name))
            {
                throw Error(field, $"the name of header {i} must be bytes, got {DictionaryValueReader.Describe(pair[0])}.");
            }

            if (!DictionaryValueReader.TryGetBytes(pair[1], out var headerValue))
            {
                throw Error(field, $"the value of header {i} must be bytes, got {DictionaryValueReader.Describe(pair[1])}.");
            }

            headers[i] = AsgiHeader.FromBytes(name.Span, headerValue.Span);
        }

        return headers;
    }

    /// <summary>Reads a required list of bytes as Latin-1 text (the exact bytes).</summary>
    /// <param name="field">The field.</param>
    /// <returns>The values.</returns>
    public IReadOnlyList<string> RequiredByteStrings(string field)
    {
        var list = AsList(field, Required(field), "a list of bytes");
        var values = new string[list.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = DictionaryValueReader.TryGetBytes(list[i], out var bytes)
                ? Encoding.Latin1.GetString(bytes.Span)
                : throw Error(field, $"item {i} must be bytes, got {DictionaryValueReader.Describe(list[i])}.");
        }

        return values;
    }

    /// <summary>Reads an optional list of str; absent gives an empty list.</summary>
    /// <param name="field">The field.</param>
    /// <returns>The values.</returns>
    public IReadOnlyList<string> OptionalStrings(string field)
    {
        if (!_fields.TryGetValue(field, out var value))
        {
            return Array.Empty<string>();
        }

        var list = AsList(field, value, "a list of str");
        var values = new string[list.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = list[i] as string ?? throw Error(field, $"item {i} must be str, got {DictionaryValueReader.Describe(list[i])}.");
        }

        return values;
    }

    /// <summary>Reads an optional <c>[host, port]</c> pair; absent or None gives <see langword="null"/>.</summary>
    /// <param name="field">The field.</param>
    /// <param name="portMayBeNone">Whether the port may be None (a unix socket <c>server</c>).</param>
    /// <returns>The endpoint or <see langword="null"/>.</returns>
    public AsgiAddress? Endpoint(string field, bool portMayBeNone)
    {
        if (!_fields.TryGetValue(field, out var value) || value is null)
        {
            return null;
        }

        if (!DictionaryList.TryCreate(value, out var pair) || pair.Count != 2)
        {
            throw Error(field, $"expected a [host, port] pair, got {DictionaryValueReader.Describe(value)}.");
        }

        var host = pair[0] as string ?? throw Error(field, $"the host must be str, got {DictionaryValueReader.Describe(pair[0])}.");
        if (pair[1] is null && portMayBeNone)
        {
            return new AsgiAddress(host, null);
        }

        return DictionaryValueReader.TryGetInt32(pair[1], out var port, out var problem)
            ? new AsgiAddress(host, port)
            : throw Error(field, $"the port: {problem}");
    }

    /// <summary>Reads a required dict with str keys.</summary>
    /// <param name="field">The field.</param>
    /// <returns>The dictionary (the caller's object when it is a read-only view of string keys).</returns>
    public IReadOnlyDictionary<string, object?> RequiredDictionary(string field) => AsDictionary(field, Required(field));

    /// <summary>Converts a value of a field to a dict with str keys, with an error naming the field.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value.</param>
    /// <returns>The dictionary.</returns>
    public IReadOnlyDictionary<string, object?> AsDictionary(string field, object? value) =>
        DictionaryValueReader.TryGetDictionary(value, out var dictionary, out var problem) ? dictionary : throw Error(field, problem!);

    private object? Required(string field) =>
        _fields.TryGetValue(field, out var value) ? value : throw Error(field, "is required but missing.");

    private string AsString(string field, object? value) =>
        value as string ?? throw Error(field, $"expected str, got {DictionaryValueReader.Describe(value)}.");

    private int AsInt(string field, object? value) =>
        DictionaryValueReader.TryGetInt32(value, out var number, out var problem) ? number : throw Error(field, problem!);

    private ReadOnlyMemory<byte> AsBytes(string field, object? value) =>
        DictionaryValueReader.TryGetBytes(value, out var bytes) ? bytes : throw Error(field, $"expected bytes, got {DictionaryValueReader.Describe(value)}.");

    private DictionaryList AsList(string field, object? value, string expected) =>
        DictionaryList.TryCreate(value, out var list) ? list : throw Error(field, $"expected {expected}, got {DictionaryValueReader.Describe(value)}.");
}
