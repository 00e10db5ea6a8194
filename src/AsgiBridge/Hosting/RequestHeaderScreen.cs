using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace AsgiBridge.Hosting;

/// <summary>
/// The check every request's headers pass before the application runs: a header repeated more than the limit gets 431
/// (asgiref's CVE-2025-14550 limit); a name that is not an HTTP token, or a value with a control character other than
/// tab, gets 400 (Kestrel already rejects CR, LF and NUL; this covers what it lets through). It runs on every request,
/// so it copies nothing per header and scans with vectorised range searches.
/// </summary>
internal static class RequestHeaderScreen
{
    /// <summary>Headers the per-thread array holds: more than browsers send (Chrome sends 15–20).</summary>
    private const int ThreadEntries = 64;

    [ThreadStatic]
    private static KeyValuePair<string, StringValues>[]? t_entries;

    private static readonly SearchValues<char> s_tokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

    /// <summary>Checks the request headers.</summary>
    /// <param name="headers">The request's headers.</param>
    /// <param name="maxValues">How many values one header may have.</param>
    /// <returns>The status to answer with, or <see langword="null"/> when the headers are acceptable.</returns>
    public static int? Reject(IHeaderDictionary headers, int maxValues)
    {
        // Copied into this thread's array (enumerating the server's header collection through the interface would
        // allocate); a request with more headers than it holds rents a larger one.
        var count = headers.Count;
        var entries = t_entries ??= new KeyValuePair<string, StringValues>[ThreadEntries];
        if (count > entries.Length)
        {
            entries = ArrayPool<KeyValuePair<string, StringValues>>.Shared.Rent(count);
        }

        try
        {
            headers.CopyTo(entries, 0);
            for (var i = 0; i < count; i++)
            {
                ref readonly var entry = ref entries[i];
                var values = entry.Value;
                var valueCount = values.Count;
                if (valueCount > maxValues)
                {
                    return StatusCodes.Status431RequestHeaderFieldsTooLarge;
                }

                if (!IsToken(entry.Key))
                {
                    return StatusCodes.Status400BadRequest;
                }

                for (var j = 0; j < valueCount; j++)
                {
                    if (HasControlCharacter(values[j]))
                    {
                        return StatusCodes.Status400BadRequest;
                    }
                }
            }

            return null;
        }
        finally
        {
            entries.AsSpan(0, count).Clear();   // the strings are the request's: the array must not keep them alive
            if (!ReferenceEquals(entries, t_entries))
            {
                ArrayPool<KeyValuePair<string, StringValues>>.Shared.Return(entries);
            }
        }
    }

    /// <summary>Whether a header name is a non-empty HTTP token (RFC 9110 tchar, either case).</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> for a valid name.</returns>
    public static bool IsToken(string? name) => !string.IsNullOrEmpty(name) && !name.AsSpan().ContainsAnyExcept(s_tokenChars);

    /// <summary>Whether a value holds a C0 control character other than tab, or DEL.</summary>
    /// <param name="value">The value (<see langword="null"/> holds none).</param>
    /// <returns><see langword="true"/> when the value must be refused.</returns>
    public static bool HasControlCharacter(string? value)
    {
        // Almost every value is printable ASCII: one vectorised scan proves it. Otherwise, from the first other character:
        // DEL over the rest, then the C0 range, a tab (rare in values) stepped over. Both are vectorised, so a long value
        // of Latin-1 bytes above 0x7F costs no per-character work.
        var span = value.AsSpan();
        var first = span.IndexOfAnyExceptInRange(' ', '~');
        if (first < 0)
        {
            return false;
        }

        span = span[first..];
        if (span.Contains('\u007F'))
        {
            return true;
        }

        while (true)
        {
            var at = span.IndexOfAnyInRange('\u0000', '\u001F');
            if (at < 0)
            {
                return false;
            }

            if (span[at] != '\t')
            {
                return true;
            }

            span = span[(at + 1)..];
        }
    }
}
