using System.Security.Cryptography;
using System.Text;

namespace AsgiBridge.Channels;

/// <summary>
/// The channel layer specification's name rules. Group names use ASCII letters, digits, <c>-</c>, <c>_</c> and
/// <c>.</c>; channel names too, plus one <c>!</c> that marks a process-local channel (<c>specific.&lt;instance&gt;!&lt;id&gt;</c>:
/// the part up to <c>!</c> says which process may receive it). Both are shorter than 100 characters.
/// </summary>
public static class ChannelNames
{
    /// <summary>The longest channel or group name (Channels requires fewer than 100 characters).</summary>
    public const int MaxLength = 99;

    /// <summary>The character that separates a process-local channel's owner from its local part.</summary>
    public const char LocalSeparator = '!';

    private const string HashedMarker = "h.";
    private const string ReadableMarker = "r.";

    /// <summary>Returns whether <paramref name="name"/> is a valid group name.</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsValidGroupName(string? name) => name is { Length: > 0 and <= MaxLength } && AllNameCharacters(name);

    /// <summary>Returns whether <paramref name="name"/> is a valid channel name (process-local or not).</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsValidChannelName(string? name)
    {
        if (name is not { Length: > 0 and <= MaxLength })
        {
            return false;
        }

        var bang = name.IndexOf(LocalSeparator, StringComparison.Ordinal);
        return bang < 0
            ? AllNameCharacters(name)
            : bang > 0 && AllNameCharacters(name.AsSpan(0, bang)) && AllNameCharacters(name.AsSpan(bang + 1));
    }

    /// <summary>Returns whether <paramref name="name"/> names a process-local channel (it contains <c>!</c>).</summary>
    /// <param name="name">The channel name.</param>
    /// <returns><see langword="true"/> for a process-local name.</returns>
    public static bool IsProcessLocal(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Contains(LocalSeparator, StringComparison.Ordinal);
    }

    /// <summary>
    /// Turns any text (a chat room's name from a URL, a user id) into a valid group name that no other text maps to:
    /// text made only of name characters stays readable (<c>prefix + "r." + text</c>); anything else, or anything too
    /// long, becomes <c>prefix + "h." + </c> 40 hex digits of its SHA-256.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="prefix">A valid prefix such as <c>chat.</c> (may be empty).</param>
    /// <returns>The group name.</returns>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> has characters a group name cannot have, or is too long.</exception>
    public static string ToGroupName(string text, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(prefix);
        if (!AllNameCharacters(prefix) || prefix.Length + HashedMarker.Length + 40 > MaxLength)
        {
            throw new ArgumentException($"The group-name prefix '{prefix}' must use only ASCII letters, digits, '-', '_' and '.', and leave room for 42 characters.", nameof(prefix));
        }

        if (text.Length > 0 && AllNameCharacters(text) && prefix.Length + ReadableMarker.Length + text.Length <= MaxLength)
        {
            return string.Concat(prefix, ReadableMarker, text);
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return string.Concat(prefix, HashedMarker, Convert.ToHexStringLower(hash[..20]));
    }

    /// <summary>Throws when <paramref name="name"/> is not a valid group name.</summary>
    /// <param name="name">The name.</param>
    /// <param name="parameter">The parameter it came from.</param>
    /// <exception cref="ArgumentException">The name is invalid; the message says why.</exception>
    internal static void ThrowIfInvalidGroup(string name, string parameter)
    {
        ArgumentNullException.ThrowIfNull(name, parameter);
        if (!IsValidGroupName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid group name: use 1 to {MaxLength} ASCII letters, digits, '-', '_' or '.' (ChannelNames.ToGroupName makes one from any text).", parameter);
        }
    }

    /// <summary>Throws when <paramref name="name"/> is not a valid channel name.</summary>
    /// <param name="name">The name.</param>
    /// <param name="parameter">The parameter it came from.</param>
    /// <exception cref="ArgumentException">The name is invalid; the message says why.</exception>
    internal static void ThrowIfInvalidChannel(string name, string parameter)
    {
        ArgumentNullException.ThrowIfNull(name, parameter);
        if (!IsValidChannelName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid channel name: use 1 to {MaxLength} ASCII letters, digits, '-', '_' or '.', with at most one '!' after a non-empty prefix.", parameter);
        }
    }

    internal static bool AllNameCharacters(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
