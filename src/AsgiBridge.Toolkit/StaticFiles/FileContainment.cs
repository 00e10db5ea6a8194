namespace AsgiBridge.Toolkit;

/// <summary>
/// Keeps file lookups inside a root directory: request segments are checked one by one (no <c>..</c>, no backslash, no
/// NUL, no character the file system reserves), joined below the root, and the result is resolved the way the operating
/// system would open it, every symbolic link on the way followed (as <c>realpath</c> does), then compared with the
/// root's own resolved path. What leaves the root is refused, however the path was spelled or linked.
/// </summary>
internal static class FileContainment
{
    private const int MaxLinkHops = 40;

    private static readonly char[] s_forbidden = [.. Path.GetInvalidFileNameChars().Concat(['\\', '\0']).Distinct()];

    /// <summary>How paths compare on this file system: ignoring case on Windows and macOS, exactly elsewhere.</summary>
    public static StringComparison PathComparison { get; } =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>Resolves a directory to its real absolute path (links followed).</summary>
    /// <param name="directory">The directory.</param>
    /// <returns>The real path, without a trailing separator.</returns>
    public static string RealRoot(string directory) =>
        Path.TrimEndingDirectorySeparator(RealPath(Path.GetFullPath(directory)) ?? Path.GetFullPath(directory));

    /// <summary>Whether <paramref name="path"/> is <paramref name="root"/> or below it.</summary>
    /// <param name="root">A real root, without a trailing separator.</param>
    /// <param name="path">An absolute path.</param>
    /// <returns><see langword="true"/> when the path is inside the root.</returns>
    public static bool IsWithin(string root, string path) =>
        path.StartsWith(root, PathComparison)
        && (path.Length == root.Length || path[root.Length] == Path.DirectorySeparatorChar || root.EndsWith(Path.DirectorySeparatorChar));

    /// <summary>Joins request path segments below a root and resolves the result, refusing anything that leaves the root.</summary>
    /// <param name="root">The real root.</param>
    /// <param name="relativePath">The path below the root, with <c>/</c> between segments (as a route gives it).</param>
    /// <param name="followSymlinks">Whether links may point outside the root (only the joined path is checked then).</param>
    /// <param name="reason">Why the path was refused.</param>
    /// <returns>The resolved path inside the root, or <see langword="null"/> when refused.</returns>
    public static string? Resolve(string root, string relativePath, bool followSymlinks, out string reason)
    {
        var segments = new List<string>();
        foreach (var segment in relativePath.Split('/'))
        {
            if (segment is "" or ".")
            {
                continue;
            }

            if (segment == ".." || segment.IndexOfAny(s_forbidden) >= 0)
            {
                reason = $"segment '{segment}' is not allowed";
                return null;
            }

            segments.Add(segment);
        }

        var joined = Path.GetFullPath(Path.Join(root, Path.Join([.. segments])));
        if (!IsWithin(root, joined))
        {
            reason = "the path leaves the directory";
            return null;
        }

        if (followSymlinks)
        {
            reason = string.Empty;
            return joined;
        }

        var real = RealPath(joined, root);
        if (real is null || !IsWithin(root, real))
        {
            reason = real is null ? "links on the path loop" : "a link on the path leads outside the directory";
            return null;
        }

        reason = string.Empty;
        return real;
    }

    /// <summary>
    /// Resolves every symbolic link of an absolute path, component by component (as POSIX <c>realpath</c> does); components
    /// that do not exist are kept as they are.
    /// </summary>
    /// <param name="path">An absolute, normalised path.</param>
    /// <param name="realPrefix">A directory known to be real that <paramref name="path"/> starts with (its walk is skipped), if any.</param>
    /// <returns>The real path, or <see langword="null"/> when links loop.</returns>
    public static string? RealPath(string path, string? realPrefix = null)
    {
        for (var hops = 0; hops <= MaxLinkHops; hops++)
        {
            var root = realPrefix is not null && IsWithin(realPrefix, path) ? realPrefix : Path.GetPathRoot(path) ?? string.Empty;
            var components = path[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
            var current = root;
            string? restart = null;
            for (var i = 0; i < components.Length; i++)
            {
                var next = Path.Join(current, components[i]);
                FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
                if (info.LinkTarget is { } target)
                {
                    // Replace the link by its target and start again: the target may hold links of its own.
                    var resolved = Path.IsPathRooted(target) ? target : Path.Join(current, target);
                    restart = Path.GetFullPath(Path.Join([resolved, .. components[(i + 1)..]]));
                    break;
                }

                current = next;
            }

            if (restart is null)
            {
                return current;
            }

            path = restart;
        }

        return null;
    }
}
