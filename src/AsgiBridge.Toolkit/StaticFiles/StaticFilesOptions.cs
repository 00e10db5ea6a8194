using Microsoft.Extensions.Logging;

namespace AsgiBridge.Toolkit;

/// <summary>Options of <see cref="StaticFiles"/> (starlette's <c>StaticFiles(directory, html, check_dir, follow_symlink)</c>).</summary>
public sealed class StaticFilesOptions
{
    /// <summary>
    /// HTML mode: a directory is answered with its <c>index.html</c> (a request without the trailing slash is redirected
    /// to it first, with 307), and a missing file with the root's <c>404.html</c> when there is one. Default <see langword="false"/>.
    /// </summary>
    public bool Html { get; set; }

    /// <summary>Whether the constructor checks that the directory exists (default <see langword="true"/>).</summary>
    public bool CheckDirectory { get; set; } = true;

    /// <summary>
    /// Whether symbolic links may lead outside the directory (default <see langword="false"/>: every link on a path is
    /// resolved and the result must stay inside the directory, as starlette does without <c>follow_symlink</c>).
    /// </summary>
    public bool FollowSymlinks { get; set; }

    /// <summary>Where refused paths are logged (Debug, event id 86); optional.</summary>
    public ILogger? Logger { get; set; }
}
