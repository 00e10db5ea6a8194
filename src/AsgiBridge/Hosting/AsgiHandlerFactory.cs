using AsgiBridge.Diagnostics;
using AsgiBridge.Lifespan;
using AsgiBridge.Server;
using AsgiBridge.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebSockets;
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
        // the HTTP path. IsWebSocketRequest is false when no WebSocket middleware ran for the request.
        RequestDelegate dispatch = context => context.WebSockets.IsWebSocketRequest ? webSockets.HandleAsync(context) : http.HandleAsync(context);
        RequestDelegate handler = dispatch;
        if (options.EnableWebSockets)
        {
            // ASP.NET Core's WebSocket middleware runs inside the bridge, and only for requests that can be upgrades, so
            // plain HTTP requests pay for neither an extra middleware nor the WebSocket checks.
            var loggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
            var middleware = new WebSocketMiddleware(dispatch, Options.Create(WebSocketOptionsFrom(options)), loggerFactory);
            handler = context => MayUpgrade(context.Request) ? InvokeObserved(middleware, context) : http.HandleAsync(context);
        }

        return lifespan is null ? handler : lifespan.GuardRequests(handler);
    }

    private static Task InvokeObserved(WebSocketMiddleware middleware, HttpContext context)
    {
        // Lets the WebSocket cycle tell a close frame without a code (1005) from 1000, which the socket reports alike.
        ObservedUpgradeFeatures.Install(context);
        return middleware.Invoke(context);
    }

    private static bool MayUpgrade(HttpRequest request) =>
        request.Headers.Upgrade.Count != 0 || HttpMethods.IsConnect(request.Method);

    private static WebSocketOptions WebSocketOptionsFrom(AsgiOptions options)
    {
        var webSocketOptions = new WebSocketOptions();
        if (options.WebSocketKeepAliveInterval is { } interval)
        {
            webSocketOptions.KeepAliveInterval = interval;
        }

        if (options.WebSocketKeepAliveTimeout is { } timeout)
        {
            webSocketOptions.KeepAliveTimeout = timeout;
        }

        return webSocketOptions;
    }
}
