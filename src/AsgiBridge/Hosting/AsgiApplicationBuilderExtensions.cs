using AsgiBridge;
using AsgiBridge.Composition;
using AsgiBridge.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Runs ASGI applications in the ASP.NET Core middleware pipeline.</summary>
public static class AsgiApplicationBuilderExtensions
{
    /// <summary>
    /// Runs <paramref name="asgiApp"/> for every request that reaches this point and that endpoint routing did not match to
    /// another endpoint (such as a <c>MapAsgi</c> mount, which therefore still works beside a catch-all <c>UseAsgi</c>). The request's
    /// <c>PathBase</c> (for example from <c>app.Map("/prefix", …)</c>) becomes the scope's <c>root_path</c>.
    /// Unless <see cref="AsgiOptions.EnableWebSockets"/> is <see langword="false"/>, WebSocket requests reach the
    /// application as <c>websocket</c> scopes (the bridge runs ASP.NET Core's WebSocket middleware for them, with
    /// <see cref="AsgiOptions.WebSocketKeepAliveInterval"/> and <see cref="AsgiOptions.WebSocketKeepAliveTimeout"/>).
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <param name="asgiApp">The ASGI application.</param>
    /// <returns>The application builder.</returns>
    public static IApplicationBuilder UseAsgi(this IApplicationBuilder app, AsgiApp asgiApp)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(asgiApp);

        // Mounted now, so the lifespan service knows the application before host startup begins.
        var handler = MountedApp.Create(app.ApplicationServices, asgiApp, rootPath: null);

        // Terminal for every request, except one that endpoint routing matched to another endpoint (a MapAsgi mount, a
        // MapGet): that one goes on to the endpoint, so a catch-all UseAsgi never shadows a mount.
        app.Use(next => context => context.GetEndpoint()?.RequestDelegate is not null ? next(context) : handler(context));
        return app;
    }

    /// <summary>
    /// Composes an ASGI pipeline (<c>pipeline.Use(middleware)...Run(app)</c>, executed in the order written) and runs it
    /// for every request that reaches this point.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <param name="configure">Adds middleware and the application to the pipeline.</param>
    /// <returns>The application builder.</returns>
    public static IApplicationBuilder UseAsgi(this IApplicationBuilder app, Action<AsgiPipelineBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(configure);
        var pipeline = new AsgiPipelineBuilder(app.ApplicationServices);
        configure(pipeline);
        return app.UseAsgi(pipeline.Build());
    }
}
