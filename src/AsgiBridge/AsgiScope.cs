using Microsoft.AspNetCore.Http;

namespace AsgiBridge;

/// <summary>
/// The base of every ASGI connection scope. Typed properties cover the keys of the specification; any other
/// key (what middleware adds, such as <c>scope["user"]</c>) lives in <see cref="Items"/> and is reachable
/// through the string indexer like a Python dict. Middleware that changes a scope should change a
/// <see cref="Copy"/> so the change does not leak upstream.
/// </summary>
public abstract class AsgiScope
{
    private Dictionary<string, object?>? _items;
    private IDictionary<string, object?>? _state;
    private IReadOnlyDictionary<string, object?>? _stateSource;

    /// <summary>Creates a scope.</summary>
    protected AsgiScope()
    {
    }

    /// <summary>The <c>type</c> key: <c>"http"</c>, <c>"websocket"</c> or <c>"lifespan"</c>.</summary>
    public abstract string Type { get; }

    /// <summary>The <c>asgi</c> key: ASGI and specification versions.</summary>
    public AsgiVersion Asgi { get; set; } = AsgiVersion.Www;

    /// <summary>
    /// The <c>state</c> key: for http and websocket scopes a shallow copy of the lifespan state namespace,
    /// for the lifespan scope the namespace itself. <see langword="null"/> when the server does not provide one.
    /// </summary>
    public IDictionary<string, object?>? State
    {
        get
        {
            if (_state is null && _stateSource is not null)
            {
                _state = new Dictionary<string, object?>(_stateSource, StringComparer.Ordinal);
            }

            return _state;
        }
        set
        {
            _state = value;
            _stateSource = null;
        }
    }

    /// <summary>
    /// The <c>extensions</c> key: one entry per extension the server supports (see <see cref="AsgiExtensionNames"/>),
    /// each value a dictionary (often empty). <see langword="null"/> when there are none.
    /// </summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; set; }

    /// <summary>Keys beyond the specification's, added by servers or middleware (for example <c>"user"</c>).</summary>
    public IDictionary<string, object?> Items => _items ??= new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>
    /// The ASP.NET Core context this scope was built from, when the bridge built it; <see langword="null"/>
    /// for the lifespan scope and for scopes built by hand or by a test client.
    /// </summary>
    public HttpContext? HttpContext { get; protected internal set; }

    /// <summary>
    /// Gets or sets a key by its ASGI name. Specification keys map onto the typed properties (setting one with a
    /// value of the wrong type throws <see cref="AsgiProtocolException"/>); every other key reads and writes <see cref="Items"/>.
    /// </summary>
    /// <param name="key">The ASGI key.</param>
    /// <returns>The value, or <see langword="null"/> when absent.</returns>
    public object? this[string key]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(key);
            if (TryGetSpecKey(key, out var value))
            {
                return value;
            }

            return _items is not null && _items.TryGetValue(key, out var item) ? item : null;
        }
        set
        {
            ArgumentNullException.ThrowIfNull(key);
            if (!TrySetSpecKey(key, value))
            {
                Items[key] = value;
            }
        }
    }

    /// <summary>Returns whether the key is present, as Python's <c>key in scope</c> would.</summary>
    /// <param name="key">The ASGI key.</param>
    /// <returns><see langword="true"/> when a specification key has a value or <see cref="Items"/> holds the key.</returns>
    public bool ContainsKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (TryGetSpecKey(key, out var value))
        {
            return value is not null;
        }

        return _items is not null && _items.ContainsKey(key);
    }

    /// <summary>Returns whether the server advertises the named extension in <see cref="Extensions"/>.</summary>
    /// <param name="name">The extension name, see <see cref="AsgiExtensionNames"/>.</param>
    /// <returns><see langword="true"/> when advertised.</returns>
    public bool SupportsExtension(string name) => Extensions is not null && Extensions.ContainsKey(name);

    /// <summary>
    /// Returns a shallow copy: typed values are shared (they are immutable or replaced wholesale), while
    /// <see cref="Items"/> gets its own dictionary, so adding or replacing keys on the copy does not affect this scope.
    /// </summary>
    /// <returns>The copy, of the same type as this scope.</returns>
    public AsgiScope Copy()
    {
        var copy = (AsgiScope)MemberwiseClone();
        if (_items is not null)
        {
            copy._items = new Dictionary<string, object?>(_items, StringComparer.Ordinal);
        }

        copy.OnCopied();
        return copy;
    }

    /// <summary>Names of the specification keys that currently have a value, in specification order.</summary>
    /// <returns>The key names.</returns>
    public abstract IEnumerable<string> SpecKeys();

    /// <summary>Lets a derived scope deep-copy what must not be shared after <see cref="Copy"/>.</summary>
    protected virtual void OnCopied()
    {
    }

    /// <summary>Reads a specification key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">Its typed value.</param>
    /// <returns><see langword="true"/> when <paramref name="key"/> is a specification key of this scope type.</returns>
    protected virtual bool TryGetSpecKey(string key, out object? value)
    {
        switch (key)
        {
            case "type":
                value = Type;
                return true;
            case "asgi":
                value = Asgi;
                return true;
            case "state":
                value = State;
                return true;
            case "extensions":
                value = Extensions;
                return true;
            default:
                value = null;
                return false;
        }
    }

    /// <summary>Writes a specification key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The typed value.</param>
    /// <returns><see langword="true"/> when <paramref name="key"/> is a specification key of this scope type.</returns>
    protected virtual bool TrySetSpecKey(string key, object? value)
    {
        switch (key)
        {
            case "type":
                if (!string.Equals(value as string, Type, StringComparison.Ordinal))
                {
                    throw new AsgiProtocolException(null, "type", $"The type of a {Type} scope cannot be changed.");
                }

                return true;
            case "asgi":
                Asgi = Cast<AsgiVersion>(key, value) ?? throw new AsgiProtocolException(null, key, "must not be null.");
                return true;
            case "state":
                State = Cast<IDictionary<string, object?>>(key, value);
                return true;
            case "extensions":
                Extensions = Cast<IReadOnlyDictionary<string, object?>>(key, value);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Casts a value assigned through the indexer, with a clear error naming the key.</summary>
    /// <typeparam name="T">The expected type.</typeparam>
    /// <param name="key">The key being assigned.</param>
    /// <param name="value">The value.</param>
    /// <returns>The value as <typeparamref name="T"/>, or default for <see langword="null"/>.</returns>
    protected static T? Cast<T>(string key, object? value)
    {
        if (value is null)
        {
            return default;
        }

        if (value is T typed)
        {
            return typed;
        }

        throw new AsgiProtocolException(null, key, $"expected a value of type {typeof(T).Name}, got {value.GetType().Name}.");
    }

    /// <summary>Reads a key of <see cref="Items"/> without creating the dictionary.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value, when present.</param>
    /// <returns><see langword="true"/> when the key is present.</returns>
    internal bool TryGetItem(string key, out object? value)
    {
        value = null;
        return _items is not null && _items.TryGetValue(key, out value);
    }

    /// <summary>Sets the lifespan state this scope copies lazily on first access of <see cref="State"/>.</summary>
    /// <param name="source">The lifespan state namespace.</param>
    internal void SetStateSource(IReadOnlyDictionary<string, object?>? source)
    {
        _state = null;
        _stateSource = source;
    }
}
