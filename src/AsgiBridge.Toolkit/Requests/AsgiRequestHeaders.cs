using Microsoft.Extensions.Primitives;

namespace AsgiBridge.Toolkit;

/// <summary>A case-insensitive, multi-value view of the request headers of a scope; the scope's list stays the source.</summary>
public sealed class AsgiRequestHeaders
{
    private readonly IReadOnlyList<AsgiHeader> _headers;

    /// <summary>Creates the view.</summary>
    /// <param name="headers">The scope's header list.</param>
    public AsgiRequestHeaders(IReadOnlyList<AsgiHeader> headers)
    {
        _headers = headers ?? throw new ArgumentNullException(nameof(headers));
    }

    /// <summary>All values of a header, in order; empty when absent.</summary>
    /// <param name="name">The header name, any case.</param>
    /// <returns>The values.</returns>
    public StringValues this[string name]
    {
        get
        {
            string? single = null;
            List<string>? many = null;
            foreach (var header in _headers)
            {
                if (!string.Equals(header.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (single is null)
                {
                    single = header.Value;
                }
                else
                {
                    (many ??= [single]).Add(header.Value);
                }
            }

            return many is not null ? new StringValues([.. many]) : new StringValues(single);
        }
    }

    /// <summary>The number of header lines.</summary>
    public int Count => _headers.Count;

    /// <summary>The header lines, in order.</summary>
    public IReadOnlyList<AsgiHeader> Raw => _headers;

    /// <summary>Whether a header is present.</summary>
    /// <param name="name">The header name, any case.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool Contains(string name) => _headers.Contains(name);

    /// <summary>The first value of a header, or <see langword="null"/>.</summary>
    /// <param name="name">The header name, any case.</param>
    /// <returns>The value.</returns>
    public string? Get(string name) => _headers.GetFirst(name);
}
