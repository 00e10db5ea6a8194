using AsgiBridge.Diagnostics;
using AsgiBridge.Lifespan;
using AsgiBridge.Server;
using AsgiBridge.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AsgiBridge.Hosting;

/// <summary>Builds the request delegate that runs an ASGI application, with options and logging from the container.</summary>
internal static class AsgiHandlerFactory
{
    public static RequestDelegate Create(IServiceProvider services, AsgiApp app, Func<HttpContext, string>? rootPath)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = services.GetService<IOptions<AsgiOptions>>()?.Value ?? new AsgiOptions();
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger(AsgiLog.Category) ?? NullLogger.Instance;
        var lifespan = services.GetService<AsgiAppRegistry>()?.Register(app);
        var http = new AsgiHttpHandler(app, options, logger, rootPath, lifespan);
        var webSockets = new AsgiWebSocketHandler(app, options, logger, rootPath, lifespan);

        // WebSocket requests (HTTP/1.1 upgrade or HTTP/2 extended CONNECT) get the websocket scope; the rest stays on
        // the HTTP path untouched. IsWebSocketRequest is false when no WebSocket middleware is in the pipeline.
        RequestDelegate handler = context => context.WebSockets.IsWebSocketRequest ? webSockets.HandleAsync(context) : http.HandleAsync(context);
        return lifespan is null ? handler : lifespan.GuardRequests(handler);
    }
}
