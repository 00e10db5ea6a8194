using System.Buffers;

namespace AsgiBridge;

/// <summary>
/// The rules every header an application sends must follow (response start, trailers, WebSocket accept and denial):
/// names are non-empty lower-case HTTP tokens and never pseudo-headers; values hold only bytes (characters up to
/// U+00FF) and never CR, LF, NUL or another control character but tab, so header injection is impossible.
/// </summary>
public static class AsgiHeaderRules
{
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
