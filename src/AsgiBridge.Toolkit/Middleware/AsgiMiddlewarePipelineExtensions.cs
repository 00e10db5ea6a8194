using AsgiBridge.Composition;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AsgiBridge.Toolkit;

/// <summary>
/// Adds the built-in middleware to an <see cref="AsgiPipelineBuilder"/>, taking loggers, the host environment and the
/// background-task tracker from <see cref="AsgiPipelineBuilder.Services"/>. A usual order:
/// <c>UseServerErrors().UseRequestLogging().UseBearerAuthentication(…).UseBackgroundTasks().Run(app)</c>.
/// </summary>
public static class AsgiMiddlewarePipelineExtensions
{
    /// <summary>Adds <see cref="RequestLoggingMiddleware"/>.</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="logger">The logger; default: category <see cref="RequestLoggingMiddleware.LoggerCategory"/> from the container.</param>
    /// <returns>The pipeline.</returns>
    public static AsgiPipelineBuilder UseRequestLogging(this AsgiPipelineBuilder pipeline, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return pipeline.Use(new RequestLoggingMiddleware(logger ?? CreateLogger(pipeline, RequestLoggingMiddleware.LoggerCategory)));
    }

    /// <summary>Adds <see cref="BearerAuthenticationMiddleware"/>.</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="configure">Sets how tokens are validated and which paths are protected.</param>
    /// <returns>The pipeline.</returns>
    public static AsgiPipelineBuilder UseBearerAuthentication(this AsgiPipelineBuilder pipeline, Action<BearerAuthenticationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new BearerAuthenticationOptions();
        configure(options);
        return pipeline.UseBearerAuthentication(options);
    }

    /// <summary>Adds <see cref="BearerAuthenticationMiddleware"/>.</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="options">How tokens are validated and which paths are protected.</param>
    /// <returns>The pipeline.</returns>
    public static AsgiPipelineBuilder UseBearerAuthentication(this AsgiPipelineBuilder pipeline, BearerAuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return pipeline.Use(new BearerAuthenticationMiddleware(options, CreateLogger(pipeline, BearerAuthenticationMiddleware.LoggerCategory)));
    }

    /// <summary>
    /// Adds <see cref="BearerAuthenticationMiddleware"/> shaped like the seed articles' <c>JWTAuthMiddleware(app,
    /// secret_key, protected_paths)</c>: HS256 tokens signed with a shared secret (issuer and audience not checked, see
    /// <see cref="BearerAuthenticationOptions.SharedSecret(string, string?, string?)"/>), from the <c>Authorization</c>
    /// header or, for browsers' WebSockets, the <c>token</c> query parameter. The prefixes are matched as routing matches
    /// (whole segments, any case); with none, every path is protected (the seed's empty list protects nothing).
    /// </summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="secretKey">The shared secret, at least 32 UTF-8 bytes.</param>
    /// <param name="protectedPathPrefixes">Where a valid token is required.</param>
    /// <returns>The pipeline.</returns>
    public static AsgiPipelineBuilder UseBearerAuthentication(this AsgiPipelineBuilder pipeline, string secretKey, params string[] protectedPathPrefixes)
    {
        ArgumentNullException.ThrowIfNull(protectedPathPrefixes);
        var options = new BearerAuthenticationOptions
        {
            TokenValidationParameters = BearerAuthenticationOptions.SharedSecret(secretKey),
            QueryTokenParameter = "token",
        };
        foreach (var prefix in protectedPathPrefixes)
        {
            options.ProtectedPathPrefixes.Add(prefix);
        }

        return pipeline.UseBearerAuthentication(options);
    }

    /// <summary>
    /// Adds <see cref="BackgroundTasksMiddleware"/> with the <see cref="AsgiBackgroundTaskTracker"/> registered by
    /// <c>services.AddAsgiBackgroundTasks()</c>.
    /// </summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <returns>The pipeline.</returns>
    /// <exception cref="InvalidOperationException">The tracker is not registered.</exception>
    public static AsgiPipelineBuilder UseBackgroundTasks(this AsgiPipelineBuilder pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var tracker = pipeline.Services.GetService<AsgiBackgroundTaskTracker>()
            ?? throw new InvalidOperationException("Background tasks need services.AddAsgiBackgroundTasks() so that shutdown can wait for them.");
        return pipeline.UseBackgroundTasks(tracker);
    }

    /// <summary>Adds <see cref="BackgroundTasksMiddleware"/> with a given tracker.</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="tracker">Runs and tracks the work.</param>
    /// <returns>The pipeline.</returns>
    public static AsgiPipelineBuilder UseBackgroundTasks(this AsgiPipelineBuilder pipeline, AsgiBackgroundTaskTracker tracker)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return pipeline.Use(new BackgroundTasksMiddleware(tracker));
    }

    /// <summary>
    /// Adds <see cref="ServerErrorMiddleware"/>. Unless <see cref="ServerErrorOptions.ShowDeveloperPage"/> says otherwise,
    /// the developer page is shown when the host environment (from the container) is Development.
    /// </summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="configure">Changes the options; optional.</param>
    /// <returns>The pipeline.</returns>
    public static AsgiPipelineBuilder UseServerErrors(this AsgiPipelineBuilder pipeline, Action<ServerErrorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var options = new ServerErrorOptions();
        configure?.Invoke(options);
        var developerPage = options.ShowDeveloperPage ?? pipeline.Services.GetService<IHostEnvironment>()?.IsDevelopment() ?? false;
        return pipeline.Use(new ServerErrorMiddleware(developerPage, options, CreateLogger(pipeline, ServerErrorMiddleware.LoggerCategory)));
    }

    private static ILogger CreateLogger(AsgiPipelineBuilder pipeline, string category) =>
        pipeline.Services.GetService<ILoggerFactory>()?.CreateLogger(category) ?? NullLogger.Instance;
}
