namespace AsgiBridge;

/// <summary>Look-ups over ASGI header lists; names compare case-insensitively, order is preserved.</summary>
public static class AsgiHeaderListExtensions
{
    /// <summary>Returns the first value of the named header, or <see langword="null"/> when absent.</summary>
    /// <param name="headers">The header list.</param>
    /// <param name="name">The header name (any case).</param>
    /// <returns>The first value, or <see langword="null"/>.</returns>
    public static string? GetFirst(this IReadOnlyList<AsgiHeader> headers, string name)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (headers is IAsgiHeaderLookup lookup)
        {
            return lookup.GetFirst(name);
        }

        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i];
            if (string.Equals(header.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }

    /// <summary>Returns every value of the named header, in order.</summary>
    /// <param name="headers">The header list.</param>
    /// <param name="name">The header name (any case).</param>
    /// <returns>The values, possibly empty.</returns>
    public static IReadOnlyList<string> GetAll(this IReadOnlyList<AsgiHeader> headers, string name)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (headers is IAsgiHeaderLookup lookup)
        {
            return lookup.GetAll(name);
        }

        List<string>? values = null;
        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i];
            if (string.Equals(header.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                (values ??= []).Add(header.Value);
            }
        }

        return values ?? (IReadOnlyList<string>)Array.Empty<string>();
    }

    /// <summary>Returns whether the named header is present.</summary>
    /// <param name="headers">The header list.</param>
    /// <param name="name">The header name (any case).</param>
    /// <returns><see langword="true"/> when at least one header has that name.</returns>
    public static bool Contains(this IReadOnlyList<AsgiHeader> headers, string name) => headers.GetFirst(name) is not null;
}
