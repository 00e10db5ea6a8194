using System.Buffers;

namespace AsgiBridge;

/// <summary>
/// The rules every header an application sends must follow (response start, trailers, WebSocket accept and denial):
/// names are non-empty HTTP tokens and never pseudo-headers; values hold only bytes (characters up to U+00FF) and never
/// CR, LF, NUL or another control character but tab, so header injection is impossible. The specification wants names in
/// lower case; like uvicorn and hypercorn, the bridge lower-cases names that are not (<see cref="Normalize"/>) unless told
/// to be strict, and <see cref="Validate(IReadOnlyList{AsgiHeader}, string)"/> is the strict check.
/// </summary>
public static class AsgiHeaderRules
{
    /// <summary>
    /// Checks every header of a list and returns it with lower-case names: the same list when every name already is, a
    /// lower-cased copy otherwise (or, with <paramref name="rejectUppercase"/>, an error naming the header).
    /// </summary>
    /// <param name="headers">The headers.</param>
    /// <param name="messageType">The ASGI message that carries them, named in errors.</param>
    /// <param name="rejectUppercase">Whether an upper-case name is an error rather than lower-cased.</param>
    /// <returns>The headers with lower-case names.</returns>
    /// <exception cref="AsgiProtocolException">A header breaks a rule.</exception>
    public static IReadOnlyList<AsgiHeader> Normalize(IReadOnlyList<AsgiHeader> headers, string messageType, bool rejectUppercase = false)
    {
        ArgumentNullException.ThrowIfNull(headers);
        AsgiHeader[]? lowered = null;
        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i];
            if (!rejectUppercase && header.Name is { } name && name.AsSpan().ContainsAnyInRange('A', 'Z'))
            {
                header = new AsgiHeader(name.ToLowerInvariant(), header.Value ?? string.Empty);
                if (lowered is null)
                {
                    lowered = new AsgiHeader[headers.Count];
                    for (var j = 0; j < i; j++)
                    {
                        lowered[j] = headers[j];
                    }
                }
            }

            Validate(header, messageType);
            if (lowered is not null)
            {
                lowered[i] = header;
            }
        }

        return lowered ?? headers;
    }

    private static readonly SearchValues<char> s_tokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz");

    /// <summary>Checks every header of a list and throws on the first violation.</summary>
    /// <param name="headers">The headers.</param>
    /// <param name="messageType">The ASGI message that carries them, named in the error.</param>
    /// <exception cref="AsgiProtocolException">A header breaks a rule.</exception>
    public static void Validate(IReadOnlyList<AsgiHeader> headers, string messageType)
    {
        ArgumentNullException.ThrowIfNull(headers);
        for (var i = 0; i < headers.Count; i++)
        {
            Validate(headers[i], messageType);
        }
    }

    /// <summary>Checks one header and throws when it breaks a rule.</summary>
    /// <param name="header">The header.</param>
    /// <param name="messageType">The ASGI message that carries it, named in the error.</param>
    /// <exception cref="AsgiProtocolException">The header breaks a rule.</exception>
    public static void Validate(in AsgiHeader header, string messageType)
    {
        var name = header.Name;
        if (name is null || header.Value is null)
        {
            throw new AsgiProtocolException(messageType, "headers", "a header name or value is missing.");
        }

        if (name.Length == 0)
        {
            throw new AsgiProtocolException(messageType, "headers", "a header name is empty.");
        }

        if (name[0] == ':')
        {
            throw new AsgiProtocolException(messageType, "headers", $"pseudo-header '{name}' is not allowed.");
        }

        var bad = name.AsSpan().IndexOfAnyExcept(s_tokenChars);
        if (bad >= 0)
        {
            throw char.IsAsciiLetterUpper(name[bad])
                ? new AsgiProtocolException(messageType, "headers", $"header name '{name}' must be lower-case.")
                : new AsgiProtocolException(messageType, "headers", $"header name '{Printable(name)}' contains the invalid character U+{(int)name[bad]:X4}.");
        }

        var value = header.Value.AsSpan();
        if (!value.ContainsAnyExceptInRange(' ', '~'))
        {
            return;   // printable ASCII, by far the common case: one vectorised scan
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is '\r' or '\n' or '\0')
            {
                throw new AsgiProtocolException(messageType, "headers", $"the value of header '{name}' contains CR, LF or NUL.");
            }

            if ((c < ' ' && c != '\t') || c == '\u007F')
            {
                throw new AsgiProtocolException(messageType, "headers", $"the value of header '{name}' contains the control character U+{(int)c:X4}.");
            }

            if (c > '\u00FF')
            {
                throw new AsgiProtocolException(messageType, "headers", $"the value of header '{name}' contains U+{(int)c:X4}, which is not a byte; encode it first.");
            }
        }
    }

    private static string Printable(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsControl(chars[i]))
            {
                chars[i] = '?';
            }
        }

        return new string(chars);
    }
}
