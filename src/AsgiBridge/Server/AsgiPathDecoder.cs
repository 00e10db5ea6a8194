using System.Text;

namespace AsgiBridge.Server;

/// <summary>
/// Turns a raw request path into the ASGI <c>path</c>: every percent-escape decoded once (<c>%2F</c> included, as uvicorn
/// does; <c>%252e</c> becomes the text <c>%2e</c>), the bytes read as UTF-8 (invalid sequences, overlong forms such as
/// <c>%C0%AE</c> among them, become U+FFFD), and no <c>.</c> or <c>..</c> segment left, however the request spelled it.
/// Segments between literal slashes are handled as Kestrel handles them (a segment that decodes to <c>.</c> or <c>..</c>
/// is removed by RFC 3986 §5.2.4), so the result starts with the path Kestrel routed. Inside one such segment, the slashes
/// that decoding <c>%2F</c> brings back make sub-segments whose dot segments are removed too, but never climb out of that
/// segment: <c>/files/..%2F..%2Fetc%2Fpasswd</c> is <c>/files/etc/passwd</c>, so a decoded <c>%2F</c> can never move a
/// request out of the prefix it was routed by. uvicorn passes dot segments through; <c>raw_path</c> keeps the exact bytes.
/// The bridge and the test client share it.
/// </summary>
internal static class AsgiPathDecoder
{
    /// <summary>Decodes a raw path; the result has no <c>.</c> or <c>..</c> segment.</summary>
    /// <param name="raw">The path bytes as received, without the query.</param>
    /// <returns>The decoded path.</returns>
    public static string Decode(ReadOnlySpan<byte> raw)
    {
        if (raw.IndexOf((byte)'%') < 0 && raw.IndexOf((byte)'.') < 0)
        {
            return Encoding.UTF8.GetString(raw);
        }

        var kept = new List<string>();
        var absolute = raw.Length > 0 && raw[0] == '/';
        var rest = absolute ? raw[1..] : raw;
        var trailingSlash = false;
        while (true)
        {
            var slash = rest.IndexOf((byte)'/');
            var segment = DecodeEscapes(slash < 0 ? rest : rest[..slash]);
            var last = slash < 0;
            if (segment is "." or "..")
            {
                if (segment == ".." && kept.Count > 0)
                {
                    kept.RemoveAt(kept.Count - 1);
                }

                trailingSlash = last;
            }
            else
            {
                kept.Add(segment.Contains('/', StringComparison.Ordinal) ? RemoveDotSegmentsWithin(segment) : segment);
                trailingSlash = false;
            }

            if (last)
            {
                break;
            }

            rest = rest[(slash + 1)..];
        }

        var builder = new StringBuilder(raw.Length + 1);
        for (var i = 0; i < kept.Count; i++)
        {
            if (i > 0 || absolute)
            {
                builder.Append('/');
            }

            builder.Append(kept[i]);
        }

        if (trailingSlash || (absolute && builder.Length == 0))
        {
            builder.Append('/');
        }

        return builder.ToString();
    }

    /// <summary>Decodes every percent-escape once and reads the bytes as UTF-8; a malformed escape stays as it is.</summary>
    /// <param name="raw">The path bytes.</param>
    /// <returns>The decoded text (dot segments untouched).</returns>
    public static string DecodeEscapes(ReadOnlySpan<byte> raw)
    {
        if (raw.IndexOf((byte)'%') < 0)
        {
            return Encoding.UTF8.GetString(raw);
        }

        var bytes = new byte[raw.Length];
        var length = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '%' && i + 2 < raw.Length
                && char.IsAsciiHexDigit((char)raw[i + 1]) && char.IsAsciiHexDigit((char)raw[i + 2]))
            {
                bytes[length++] = (byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2]));
                i += 2;
            }
            else
            {
                bytes[length++] = raw[i];
            }
        }

        return Encoding.UTF8.GetString(bytes, 0, length);
    }

    /// <summary>
    /// Removes the dot segments of what one segment decoded to (<c>a/../b</c> → <c>b</c>), treating it as a relative path
    /// rooted at that segment: a <c>..</c> never removes anything before it, and a trailing slash stays.
    /// </summary>
    /// <param name="decoded">The decoded segment, holding slashes that came from <c>%2F</c>.</param>
    /// <returns>The segment without dot sub-segments.</returns>
    private static string RemoveDotSegmentsWithin(string decoded)
    {
        var parts = decoded.Split('/');
        var kept = new List<string>(parts.Length);
        var trailingSlash = false;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part is "." or "..")
            {
                if (part == ".." && kept.Count > 0)
                {
                    kept.RemoveAt(kept.Count - 1);
                }

                trailingSlash = i == parts.Length - 1;
                continue;
            }

            kept.Add(part);
            trailingSlash = false;
        }

        var joined = string.Join('/', kept);
        return trailingSlash && kept.Count > 0 ? joined + "/" : joined;
    }

    private static int HexValue(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
