using System.Collections.Frozen;

namespace AsgiBridge;

/// <summary>The keys of one scope type, in the specification's order, with a lookup by name.</summary>
internal sealed class ScopeKeyTable
{
    private readonly FrozenDictionary<string, ScopeKey> _byName;

    /// <summary>Creates the table.</summary>
    /// <param name="keys">The keys in specification order.</param>
    public ScopeKeyTable(params ScopeKey[] keys)
    {
        Keys = keys;
        _byName = keys.ToFrozenDictionary(static k => k.Name, StringComparer.Ordinal);
    }

    /// <summary>The keys in specification order.</summary>
    public IReadOnlyList<ScopeKey> Keys { get; }

    /// <summary>Finds a specification key of this scope type.</summary>
    /// <param name="name">The key.</param>
    /// <param name="key">Its descriptor.</param>
    /// <returns><see langword="true"/> when <paramref name="name"/> is a specification key of this scope type.</returns>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ScopeKey? key) => _byName.TryGetValue(name, out key);

    /// <summary>Whether <paramref name="name"/> is a specification key of this scope type.</summary>
    /// <param name="name">The key.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    public bool Contains(string name) => _byName.ContainsKey(name);
}
