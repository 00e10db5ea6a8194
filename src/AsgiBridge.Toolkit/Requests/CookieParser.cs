namespace AsgiBridge.Toolkit;

/// <summary>Parses <c>Cookie</c> request headers (one joined header in HTTP/1.x, possibly several in HTTP/2).</summary>
internal static class CookieParser
{
    public static Dictionary<string, string> Parse(IReadOnlyList<AsgiHeader> headers)
    {
        var cookies = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var header in headers)
        {
            if (!string.Equals(header.Name, "cookie", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var pair in header.Value.Split(';'))
            {
                var trimmed = pair.Trim();
                if (trimmed.Length == 0)
                {
                    continue;
                }

                var equals = trimmed.IndexOf('=', StringComparison.Ordinal);
                var name = equals < 0 ? string.Empty : trimmed[..equals].Trim();
                var value = equals < 0 ? trimmed : trimmed[(equals + 1)..].Trim();
                if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
                {
                    value = value[1..^1];
                }

                // Like browsers and starlette: the first occurrence of a name wins.
                cookies.TryAdd(name, Uri.UnescapeDataString(value));
            }
        }

        return cookies;
    }
}
