using AsgiBridge.Conversion;

namespace AsgiBridge;

/// <summary>
/// One key of a scope type, described once: whether the scope has a value for it, its value in the specification's
/// dictionary form, how to take a typed value, and how to read it from a dictionary (with the specification's default when
/// absent and an error naming the key when required or mistyped). The indexer, <see cref="AsgiScope.SpecKeys"/> and
/// <see cref="AsgiScopeConverter"/> all go through these descriptors, so <c>scope["headers"]</c> and the converted
/// dictionary cannot disagree.
/// </summary>
internal sealed class ScopeKey
{
    private readonly Func<AsgiScope, bool> _isPresent;
    private readonly Func<AsgiScope, object?> _toDictionaryForm;
    private readonly Func<AsgiScope, object?, bool> _trySetTyped;
    private readonly Action<DictionaryFieldReader, AsgiScope> _read;

    /// <summary>Describes a key.</summary>
    /// <param name="name">The key.</param>
    /// <param name="isPresent">Whether a scope has a value for it (absent optional keys are left out of the dictionary form).</param>
    /// <param name="toDictionaryForm">The value in dictionary form: <c>byte[]</c> for bytes, lists for tuples and lists.</param>
    /// <param name="trySetTyped">Sets the value when it is already of the typed property's type; <see langword="false"/> otherwise.</param>
    /// <param name="read">Reads the key from a dictionary into a scope, applying the default when it is absent.</param>
    public ScopeKey(string name, Func<AsgiScope, bool> isPresent, Func<AsgiScope, object?> toDictionaryForm,
        Func<AsgiScope, object?, bool> trySetTyped, Action<DictionaryFieldReader, AsgiScope> read)
    {
        Name = name;
        _isPresent = isPresent;
        _toDictionaryForm = toDictionaryForm;
        _trySetTyped = trySetTyped;
        _read = read;
    }

    /// <summary>The key.</summary>
    public string Name { get; }

    /// <summary>Whether the scope has a value for this key.</summary>
    /// <param name="scope">The scope.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool IsPresent(AsgiScope scope) => _isPresent(scope);

    /// <summary>The value in dictionary form.</summary>
    /// <param name="scope">The scope.</param>
    /// <returns>The value.</returns>
    public object? Get(AsgiScope scope) => _toDictionaryForm(scope);

    /// <summary>Sets the key from a typed value or from its dictionary form, with the dictionary reader's validation.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="AsgiProtocolException">The value has the wrong type; the message names the key.</exception>
    public void Set(AsgiScope scope, object? value)
    {
        if (value is not null && _trySetTyped(scope, value))
        {
            return;
        }

        _read(DictionaryFieldReader.ForScope(new SingleEntry(Name, value), scope.Type), scope);
    }

    /// <summary>Reads the key from a scope in dictionary form.</summary>
    /// <param name="reader">The dictionary's reader.</param>
    /// <param name="scope">The scope being built.</param>
    public void Read(DictionaryFieldReader reader, AsgiScope scope) => _read(reader, scope);

    /// <summary>A one-key dictionary, so setting a key through the indexer validates exactly as reading a dictionary does.</summary>
    private sealed class SingleEntry(string key, object? value) : IReadOnlyDictionary<string, object?>
    {
        public object? this[string k] => TryGetValue(k, out var v) ? v : throw new KeyNotFoundException(k);

        public IEnumerable<string> Keys => [key];

        public IEnumerable<object?> Values => [value];

        public int Count => 1;

        public bool ContainsKey(string k) => string.Equals(k, key, StringComparison.Ordinal);

        public bool TryGetValue(string k, out object? v)
        {
            v = ContainsKey(k) ? value : null;
            return ContainsKey(k);
        }

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return new KeyValuePair<string, object?>(key, value);
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
