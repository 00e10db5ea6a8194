using AsgiBridge.Composition;
using AsgiBridge.Hosting;
using AsgiBridge.Lifespan;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AsgiBridge.Testing.Hosting;

/// <summary>
/// Builds the host an <see cref="AsgiTestClient"/> owns: an empty web application on ASP.NET Core's in-memory
/// <see cref="TestServer"/>, <c>services.AddAsgi(…)</c> with the client's options mapped onto the bridge's, and the
/// application mounted with <c>UseAsgi</c> (under <c>app.Map(rootPath, …)</c> when a root path is set) — the same pipeline
/// Kestrel runs.
/// </summary>
internal static class TestHostFactory
{
    public static (WebApplication Host, TestApplication Application) Build(Func<IServiceProvider, AsgiApp> app, AsgiTestClientOptions options,
        LifespanMode lifespan, Action<IServiceCollection>? configureServices)
    {
        var rootPath = ValidateRootPath(options.RootPath);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseTestServer(server => server.BaseAddress = options.BaseAddress);
        builder.Services.AddLogging();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddAsgi(asgi =>
        {
            asgi.Lifespan.Mode = lifespan;
            if (options.Timeout != Timeout.InfiniteTimeSpan)
            {
                asgi.Lifespan.StartupTimeout = options.Timeout;
                asgi.Lifespan.ShutdownTimeout = options.Timeout;
            }
        });
        configureServices?.Invoke(builder.Services);
        if (options.ConfigureBridge is { } configureBridge)
        {
            builder.Services.Configure(configureBridge);
        }

        var web = builder.Build();
        var test = new TestApplication(app(web.Services), options) { Accessor = web.Services.GetService<IHttpContextAccessor>() };

        // Outermost: marks each request finished once the pipeline returned, even when something threw past the bridge.
        web.Use(next => async context =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                context.Features.Get<ConnectionSlot>()?.Finish();
            }
        });
        options.ConfigureApp?.Invoke(web);
        if (rootPath.HasValue)
        {
            web.Map(rootPath, branch => branch.UseAsgi(test.App));
        }
        else
        {
            web.UseAsgi(test.App);
        }

        return (web, test);
    }

    public static Func<IServiceProvider, AsgiApp> FromApp(AsgiApp app) => _ => app;

    public static Func<IServiceProvider, AsgiApp> FromPipeline(Action<AsgiPipelineBuilder> configure) => services =>
    {
        var pipeline = new AsgiPipelineBuilder(services);
        configure(pipeline);
        return pipeline.Build();
    };

    private static PathString ValidateRootPath(string rootPath)
    {
        if (string.IsNullOrEmpty(rootPath))
        {
            return PathString.Empty;
        }

        if (rootPath[0] != '/' || rootPath.EndsWith('/'))
        {
            throw new ArgumentException($"RootPath must start with '/' and must not end with one; it is '{rootPath}'.", nameof(rootPath));
        }

        return new PathString(rootPath);
    }
}
