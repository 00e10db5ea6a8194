using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace AsgiBridge.Toolkit;

/// <summary>
/// The query string as starlette's <c>request.query_params</c> shows it: a read-only multi-dict whose indexer and
/// enumeration give the <b>last</b> value of each name (so serialising it, or <c>ToDictionary</c>, gives what
/// <c>dict(request.query_params)</c> gives), while <see cref="GetList"/> and <see cref="MultiItems"/> keep every value in
/// order. Parsed as <c>parse_qsl(..., keep_blank_values=True)</c> does: pairs split on <c>&amp;</c>, <c>+</c> is a space,
/// percent-escapes are UTF-8 (invalid bytes become U+FFFD), a name without <c>=</c> has the value <c>""</c>.
/// </summary>
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "Named after starlette's QueryParams, the name ported code looks for.")]
public sealed class AsgiQueryParams : IReadOnlyDictionary<string, string>
{
    private readonly List<KeyValuePair<string, string>> _items;
    private readonly Dictionary<string, string> _last;

    /// <summary>Parses a query string.</summary>
    /// <param name="queryString">The query string, percent-encoded, without the leading <c>?</c>.</param>
    public AsgiQueryParams(string queryString)
    {
        ArgumentNullException.ThrowIfNull(queryString);
        _items = [];
        _last = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var range in queryString.AsSpan().Split('&'))
        {
            var pair = queryString.AsSpan()[range];
            if (pair.IsEmpty)
            {
                continue;
            }

            var equals = pair.IndexOf('=');
            var name = Decode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : Decode(pair[(equals + 1)..]);
            _items.Add(new KeyValuePair<string, string>(name, value));
            _last[name] = value;
        }
    }

    /// <summary>An empty query.</summary>
    public static AsgiQueryParams Empty { get; } = new(string.Empty);

    /// <summary>The last value of a name (<c>query_params["name"]</c>).</summary>
    /// <param name="key">The name.</param>
    /// <returns>The last value.</returns>
    /// <exception cref="KeyNotFoundException">The name is not in the query.</exception>
    public string this[string key] => _last[key];

    /// <summary>Every pair in the order of the query string (<c>query_params.multi_items()</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> MultiItems => _items;

    /// <summary>The distinct names, in the order they first appear.</summary>
    public IEnumerable<string> Keys => _last.Keys;

    /// <summary>The last value of each name.</summary>
    public IEnumerable<string> Values => _last.Values;

    /// <summary>How many distinct names the query has.</summary>
    public int Count => _last.Count;

    /// <summary>Every value of a name in order (<c>query_params.getlist("name")</c>); empty when absent.</summary>
    /// <param name="key">The name.</param>
    /// <returns>The values.</returns>
    public IReadOnlyList<string> GetList(string key)
    {
        List<string>? values = null;
        foreach (var (name, value) in _items)
        {
            if (string.Equals(name, key, StringComparison.Ordinal))
            {
                (values ??= []).Add(value);
            }
        }

        return values is null ? [] : values;
    }

    /// <summary>The last value of a name, or <paramref name="defaultValue"/> (<c>query_params.get("name", default)</c>).</summary>
    /// <param name="key">The name.</param>
    /// <param name="defaultValue">What to return when the name is absent.</param>
    /// <returns>The value or the default.</returns>
    [return: NotNullIfNotNull(nameof(defaultValue))]
    public string? Get(string key, string? defaultValue = null) => _last.TryGetValue(key, out var value) ? value : defaultValue;

    /// <inheritdoc />
    public bool ContainsKey(string key) => _last.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value) => _last.TryGetValue(key, out value);

    /// <summary>Enumerates each name with its last value.</summary>
    /// <returns>The enumerator.</returns>
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _last.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The pairs re-encoded as a query string, in order.</summary>
    /// <returns>The query string.</returns>
    public override string ToString() =>
        string.Join('&', _items.Select(item => $"{WebUtility.UrlEncode(item.Key)}={WebUtility.UrlEncode(item.Value)}"));

    private static string Decode(ReadOnlySpan<char> part) => WebUtility.UrlDecode(part.ToString());
}
