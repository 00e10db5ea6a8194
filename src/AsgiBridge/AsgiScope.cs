namespace AsgiBridge;

/// <summary>
/// The base of every ASGI connection scope. Typed properties cover the keys of the specification; the string indexer
/// reads and writes them in the specification's dictionary form (as a Python application sees <c>scope["headers"]</c>:
/// a list of <c>[name, value]</c> byte pairs), exactly as <see cref="Conversion.AsgiScopeConverter"/> converts them. Any other
/// key (what middleware adds, such as <c>scope["user"]</c>) lives in <see cref="Items"/>. Middleware that changes a scope
/// should change a <see cref="Copy"/> so the change does not leak upstream.
/// </summary>
public abstract class AsgiScope
{
    private Dictionary<string, object?>? _items;

    // Either the scope's own namespace (IDictionary) or the lifespan snapshot it copies on first use: one field, so a
    // connection's scope stays small (it is the one object the bridge allocates per request besides the callables).
    private object? _state;
    private ScopeProtocol _protocol = ScopeProtocol.Www;

    private protected AsgiScope()
    {
    }

    /// <summary>The <c>type</c> key: <c>"http"</c>, <c>"websocket"</c> or <c>"lifespan"</c>.</summary>
    public abstract string Type { get; }

    /// <summary>The <c>asgi</c> key: ASGI and specification versions.</summary>
    public AsgiVersion Asgi
    {
        get => _protocol.Asgi;
        set => _protocol = _protocol with { Asgi = value ?? throw new ArgumentNullException(nameof(value)) };
    }

    /// <summary>
    /// The <c>state</c> key: for http and websocket scopes a shallow copy of the lifespan state namespace (made on first
    /// use), for the lifespan scope the namespace itself. <see langword="null"/> when the server does not provide one.
    /// </summary>
    public IDictionary<string, object?>? State
    {
        get
        {
            if (_state is LifespanStateSnapshot snapshot)
            {
                _state = new Dictionary<string, object?>(snapshot.State, StringComparer.Ordinal);
            }

            return (IDictionary<string, object?>?)_state;
        }
        set => _state = value;
    }

    /// <summary>
    /// The <c>extensions</c> key: one entry per extension the server supports (see <see cref="AsgiExtensionNames"/>),
    /// each value a dictionary (often empty). <see langword="null"/> when there are none.
    /// </summary>
    public IReadOnlyDictionary<string, object?>? Extensions
    {
        get => _protocol.Extensions;
        set => _protocol = _protocol with { Extensions = value };
    }

    /// <summary>Keys beyond the specification's, added by servers or middleware (for example <c>"user"</c>).</summary>
    public IDictionary<string, object?> Items => _items ??= new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets a key by its ASGI name. Specification keys read in dictionary form (bytes as <c>byte[]</c>, headers as
    /// <c>[name, value]</c> byte pairs, <c>client</c> as <c>[host, port]</c>) and accept that form or the typed property's
    /// type (a value of another type throws <see cref="AsgiProtocolException"/> naming the key); every other key reads and
    /// writes <see cref="Items"/>.
    /// </summary>
    /// <param name="key">The ASGI key.</param>
    /// <returns>The value, or <see langword="null"/> when absent.</returns>
    public object? this[string key]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(key);
            if (Keys.TryGet(key, out var specKey))
            {
                return specKey.Get(this);
            }

            return _items is not null && _items.TryGetValue(key, out var item) ? item : null;
        }
        set
        {
            ArgumentNullException.ThrowIfNull(key);
            if (Keys.TryGet(key, out var specKey))
            {
                specKey.Set(this, value);
            }
            else
            {
                Items[key] = value;
            }
        }
    }

    /// <summary>The specification keys of this scope type.</summary>
    internal abstract ScopeKeyTable Keys { get; }

    /// <summary>Returns whether the key is present, as Python's <c>key in scope</c> would.</summary>
    /// <param name="key">The ASGI key.</param>
    /// <returns><see langword="true"/> when a specification key has a value or <see cref="Items"/> holds the key.</returns>
    public bool ContainsKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (Keys.TryGet(key, out var specKey))
        {
            return specKey.IsPresent(this);
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

        return copy;
    }

    /// <summary>Names of the specification keys that currently have a value, in specification order.</summary>
    /// <returns>The key names.</returns>
    public IEnumerable<string> SpecKeys()
    {
        foreach (var key in Keys.Keys)
        {
            if (key.IsPresent(this))
            {
                yield return key.Name;
            }
        }
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
    /// <param name="snapshot">The application's lifespan state.</param>
    internal void SetStateSource(LifespanStateSnapshot snapshot) => _state = snapshot;

    /// <summary>Sets the <c>asgi</c> and <c>extensions</c> keys at once, to an instance shared by many scopes.</summary>
    /// <param name="protocol">The keys.</param>
    internal void SetProtocol(ScopeProtocol protocol) => _protocol = protocol;
}
