namespace AsgiBridge.Testing.Http;

/// <summary>
/// Kestrel's own check on response header values, applied when the bridge copies the start into the response: beyond
/// <see cref="AsgiHeaderRules"/> (no CR, LF, NUL; bytes only), Kestrel refuses other control characters and, unless a
/// response header encoding is configured, every character above U+007E.
/// </summary>
internal static class KestrelHeaderValues
{
    /// <summary>Throws as Kestrel does when a value holds a character it refuses.</summary>
    /// <param name="header">The header.</param>
    /// <param name="allowLatin1">Whether a Latin-1 response header encoding is configured.</param>
    /// <exception cref="InvalidOperationException">The value holds a refused character.</exception>
    public static void Validate(in AsgiHeader header, bool allowLatin1)
    {
        foreach (var c in header.Value)
        {
            var allowed = c == '\t' || (c >= ' ' && c < '\u007F') || (allowLatin1 && c >= '\u0080' && c <= '\u00FF');
            if (!allowed)
            {
                throw new InvalidOperationException($"Invalid non-ASCII or control character in header: 0x{(int)c:X4}");
            }
        }
    }
}
