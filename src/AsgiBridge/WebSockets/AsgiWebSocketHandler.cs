using System.Collections.Frozen;
using AsgiBridge.Diagnostics;
using AsgiBridge.Hosting;
using AsgiBridge.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.WebSockets;

/// <summary>
/// Runs one ASGI application for WebSocket requests (HTTP/1.1 upgrade or HTTP/2 extended CONNECT): checks the
/// origin, builds the <c>websocket</c> scope, calls the application with a <see cref="WebSocketCycle"/> and closes
/// the connection when the application is done.
/// </summary>
internal sealed class AsgiWebSocketHandler
{
    private static readonly IReadOnlyDictionary<string, object?> s_extensions = new Dictionary<string, object?>
    {
        [AsgiExtensionNames.WebSocketHttpResponse] = FrozenDictionary<string, object?>.Empty,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly AsgiApp _app;
    private readonly AsgiOptions _options;
    private readonly ILogger _logger;
    private readonly Func<HttpContext, string>? _rootPath;
    private readonly IAsgiStateSource? _stateSource;

    public AsgiWebSocketHandler(AsgiApp app, AsgiOptions options, ILogger logger, Func<HttpContext, string>? rootPath, IAsgiStateSource? stateSource)
    {
        _app = app;
        _options = options;
        _logger = logger;
        _rootPath = rootPath;
        _stateSource = stateSource;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var scope = new WebSocketScope(context) { Extensions = s_extensions };
        if (!OriginAllowed(context, out var origin))
        {
            AsgiLog.WebSocketOriginRejected(_logger, scope.Path, origin);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.ContentLength = 0;
            return;
        }

        if (_rootPath is not null)
        {
            scope.RootPath = _rootPath(context);
        }

        if (_stateSource is not null)
        {
            scope.SetStateSource(_stateSource.State);
        }

        var cycle = new WebSocketCycle(context, scope, _options, _logger);
        Exception? failure = null;
        try
        {
            await _app(scope, cycle.Receive, cycle.Send).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        await cycle.FinishAsync(failure).ConfigureAwait(false);
    }

    private bool OriginAllowed(HttpContext context, out string origin)
    {
        origin = context.Request.Headers.Origin.ToString();
        var allowed = _options.WebSocketAllowedOrigins;
        if (allowed.Count == 0 || origin.Length == 0)
        {
            return true;
        }

        for (var i = 0; i < allowed.Count; i++)
        {
            if (string.Equals(allowed[i], origin, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
