using System.Text;
using AsgiBridge.Composition;
using AsgiBridge.Messages;
using Microsoft.Extensions.Logging.Abstractions;

namespace AsgiBridge.Toolkit;

/// <summary>
/// Serves the files of one directory, as starlette's <c>StaticFiles</c> does: mount it (<c>router.Mount("/static",
/// new StaticFiles(directory))</c>) and <c>GET /static/css/site.css</c> answers <c>directory/css/site.css</c> through
/// <see cref="FileResponse"/> (content type, <c>etag</c>, <c>last-modified</c>, 304, single ranges, HEAD). Only GET and HEAD
/// are served (405 otherwise); WebSocket connections are refused. The path below <c>root_path</c> is checked segment by
/// segment (no <c>..</c>, backslash or NUL), joined below the directory and resolved with every symbolic link followed;
/// the result must stay inside the directory's own resolved path, or the answer is 404, the same as for a missing file.
/// Directories are never listed: in <see cref="StaticFilesOptions.Html"/> mode they are answered with their
/// <c>index.html</c>, otherwise with 404.
/// </summary>
public sealed class StaticFiles : IAsgiApplication
{
    private static readonly TextResponse s_notFound = new("Not Found", 404);
    private static readonly AsgiResponse s_methodNotAllowed = new TextResponse("Method Not Allowed", 405).WithHeader("allow", "GET, HEAD");

    private readonly StaticFilesOptions _options;
    private readonly string _root;

    /// <summary>Creates the application.</summary>
    /// <param name="directory">The directory to serve.</param>
    /// <param name="options">HTML mode, the start check, symbolic links; default: none, checked, contained.</param>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist (unless <see cref="StaticFilesOptions.CheckDirectory"/> is off).</exception>
    public StaticFiles(string directory, StaticFilesOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        _options = options ?? new StaticFilesOptions();
        if (_options.CheckDirectory && !System.IO.Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"StaticFiles directory '{Path.GetFullPath(directory)}' does not exist.");
        }

        _root = FileContainment.RealRoot(directory);
        App = InvokeAsync;
    }

    /// <summary>The served directory, resolved (absolute, symbolic links followed).</summary>
    public string Directory => _root;

    /// <summary>The application as a delegate (one cached instance), for <c>UseAsgi</c> or <c>MapAsgi</c>.</summary>
    public AsgiApp App { get; }

    /// <inheritdoc />
    public Task InvokeAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return scope switch
        {
            HttpScope http => ServeAsync(http, receive, send),
            WebSocketScope => send(WebSocketClose.Normal).AsTask(),
            _ => throw new NotSupportedException($"StaticFiles serves 'http' connections, not '{scope.Type}'."),
        };
    }

    private Task ServeAsync(HttpScope scope, AsgiReceive receive, AsgiSend send)
    {
        if (scope.Method is not ("GET" or "HEAD"))
        {
            return s_methodNotAllowed.ExecuteAsync(scope, receive, send);
        }

        var relative = PathSegments.BelowRoot(scope);
        var path = FileContainment.Resolve(_root, relative, _options.FollowSymlinks, out var reason);
        if (path is null)
        {
            ToolkitLog.StaticFileRefused(_options.Logger ?? NullLogger.Instance, _root, scope.Path, reason);
            return NotFoundAsync(scope, receive, send);
        }

        if (File.Exists(path))
        {
            return new FileResponse(path).ExecuteAsync(scope, receive, send);
        }

        if (_options.Html && System.IO.Directory.Exists(path))
        {
            if (!scope.Path.EndsWith('/'))
            {
                return Redirect(scope).ExecuteAsync(scope, receive, send);
            }

            var index = FileContainment.Resolve(_root, relative + "/index.html", _options.FollowSymlinks, out _);
            if (index is not null && File.Exists(index))
            {
                return new FileResponse(index).ExecuteAsync(scope, receive, send);
            }
        }

        return NotFoundAsync(scope, receive, send);
    }

    private Task NotFoundAsync(HttpScope scope, AsgiReceive receive, AsgiSend send)
    {
        if (_options.Html && FileContainment.Resolve(_root, "404.html", _options.FollowSymlinks, out _) is { } page && File.Exists(page))
        {
            return new FileResponse(page, status: 404).ExecuteAsync(scope, receive, send);
        }

        return s_notFound.ExecuteAsync(scope, receive, send);
    }

    private static RedirectResponse Redirect(HttpScope scope)
    {
        var location = string.Join('/', (scope.Path + "/").Split('/').Select(Uri.EscapeDataString));
        return new RedirectResponse(scope.QueryString.IsEmpty ? location : location + "?" + Encoding.Latin1.GetString(scope.QueryString.Span));
    }
}
