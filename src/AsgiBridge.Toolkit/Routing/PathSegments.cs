namespace AsgiBridge.Toolkit;

/// <summary>
/// The path rules that protection and file serving share with routing: a path is a list of segments, compared without
/// regard to letter case (as route literals are), with empty segments (<c>//</c>) and <c>.</c> dropped and <c>..</c>
/// removing the segment before it, so no spelling of a path can slip past a check that routing would still match.
/// </summary>
internal static class PathSegments
{
    /// <summary>Splits a path into its normalised segments.</summary>
    /// <param name="path">The path (decoded, as in the scope).</param>
    /// <returns>The segments, without empty, <c>.</c> or <c>..</c> ones.</returns>
    public static List<string> Normalize(string path)
    {
        var segments = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            switch (segment)
            {
                case "" or ".":
                    break;
                case "..":
                    if (segments.Count > 0)
                    {
                        segments.RemoveAt(segments.Count - 1);
                    }

                    break;
                default:
                    segments.Add(segment);
                    break;
            }
        }

        return segments;
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="prefix"/> or below it, on whole segments, ignoring case.</summary>
    /// <param name="path">The normalised segments of the path.</param>
    /// <param name="prefix">The normalised segments of the prefix (none: the root, which covers everything).</param>
    /// <returns><see langword="true"/> when every segment of the prefix starts the path.</returns>
    public static bool StartsWith(List<string> path, string[] prefix)
    {
        if (prefix.Length > path.Count)
        {
            return false;
        }

        for (var i = 0; i < prefix.Length; i++)
        {
            if (!string.Equals(path[i], prefix[i], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether the path below the scope's <c>root_path</c> is <paramref name="prefix"/> or below it, on whole segments,
    /// ignoring case; without allocating unless the path holds something that looks like a dot segment.
    /// </summary>
    /// <param name="scope">The connection scope.</param>
    /// <param name="prefix">The normalised segments of the prefix.</param>
    /// <returns><see langword="true"/> when the path is covered by the prefix.</returns>
    public static bool IsUnder(ConnectionScope scope, string[] prefix)
    {
        var path = scope.Path.AsSpan();
        var root = scope.RootPath;
        if (root.Length > 0 && path.StartsWith(root, StringComparison.Ordinal))
        {
            path = path[root.Length..];
        }

        if (path.StartsWith('.') || path.Contains("/.", StringComparison.Ordinal))
        {
            return StartsWith(Normalize(path.ToString()), prefix);
        }

        var matched = 0;
        foreach (var range in path.Split('/'))
        {
            var segment = path[range];
            if (segment.IsEmpty)
            {
                continue;
            }

            if (matched == prefix.Length)
            {
                return true;
            }

            if (!segment.Equals(prefix[matched], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            matched++;
        }

        return matched == prefix.Length;
    }

    /// <summary>The path relative to the scope's <c>root_path</c> (the router's view), or the whole path outside it.</summary>
    /// <param name="scope">The connection scope.</param>
    /// <returns>The path below <c>root_path</c>.</returns>
    public static string BelowRoot(ConnectionScope scope)
    {
        var path = scope.Path;
        var root = scope.RootPath;
        return root.Length > 0 && path.StartsWith(root, StringComparison.Ordinal) ? path[root.Length..] : path;
    }
}
