using System.Collections.Concurrent;

namespace AsgiBridge.Server;

/// <summary>
/// Lower-cases request header names without allocating for the names seen before: Kestrel hands out interned
/// canonical names for known headers ("Content-Type"), which map to cached lower-case strings.
/// </summary>
internal static class HeaderNameCase
{
    private const int MaxCachedNames = 512;
    private static readonly ConcurrentDictionary<string, string> s_lowerCase = new(StringComparer.Ordinal);

    /// <summary>Returns <paramref name="name"/> in lower case, reusing cached strings.</summary>
    /// <param name="name">A header name.</param>
    /// <returns>The lower-case name.</returns>
    public static string ToLower(string name)
    {
        if (!HasUpper(name))
        {
            return name;
        }

        if (s_lowerCase.TryGetValue(name, out var lower))
        {
            return lower;
        }

        lower = name.ToLowerInvariant();
        if (s_lowerCase.Count < MaxCachedNames)
        {
            s_lowerCase.TryAdd(name, lower);
        }

        return lower;
    }

    private static bool HasUpper(string name)
    {
        foreach (var c in name)
        {
            if (char.IsAsciiLetterUpper(c))
            {
                return true;
            }
        }

        return false;
    }
}
