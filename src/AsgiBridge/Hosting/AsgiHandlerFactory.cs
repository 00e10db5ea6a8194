using AsgiBridge.Diagnostics;
using AsgiBridge.Lifespan;
using AsgiBridge.Server;
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
        RequestDelegate handler = http.HandleAsync;
        return lifespan is null ? handler : lifespan.GuardRequests(handler);
    }
}
