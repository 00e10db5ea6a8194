using System.IO.Pipelines;
using AsgiBridge.Hosting;
using AsgiBridge.Server;
using AsgiBridge.TestInfrastructure.Logging;
using AsgiBridge.TestInfrastructure.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Tests.Infrastructure;

/// <summary>Runs the bridge on a <see cref="DefaultHttpContext"/> (unit tier): no server, no sockets.</summary>
internal static class HttpContextHarness
{
    public static DefaultHttpContext Context(string method = "GET", string path = "/", string protocol = "HTTP/1.1")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.Protocol = protocol;
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("example.test");
        context.Response.Body = new MemoryStream();
        return context;
    }

    /// <summary>The bridge's request delegate for <paramref name="app"/>, mounted as UseAsgi/MapAsgi mount it.</summary>
    public static Mounted Handler(AsgiApp app, TestLogSink? logs = null, Func<HttpContext, string>? rootPath = null, AsgiOptions? options = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options ?? new AsgiOptions()));
        services.AddSingleton<ILoggerFactory>(logs is null
            ? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance
            : LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(logs)));
        services.AddSingleton<AsgiBridgeRuntime>();
        return new Mounted(MountedApp.Create(services.BuildServiceProvider(), app, rootPath));
    }

    /// <summary>A mounted application's request delegate.</summary>
    internal sealed class Mounted(RequestDelegate handler)
    {
        public Task HandleAsync(HttpContext context) => handler(context);
    }

    /// <summary>Runs the bridge once and returns the scope the app saw, with every key read inside the app.</summary>
    public static async Task<HttpScope> CaptureScopeAsync(HttpContext context, Func<HttpContext, string>? rootPath = null)
    {
        HttpScope? seen = null;
        var handler = Handler(async (scope, _, send) =>
        {
            seen = (HttpScope)scope;
            foreach (var key in scope.SpecKeys())
            {
                var value = scope[key];
                GC.KeepAlive(value);
            }

            await AsgiTestApps.SendTextAsync(send, 200, "ok");
        }, rootPath: rootPath);
        await handler.HandleAsync(context);
        return seen ?? throw new InvalidOperationException("The app did not run.");
    }

    public static string ResponseText(HttpContext context)
    {
        var stream = (MemoryStream)context.Response.Body;
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Gives the context a response trailers feature, as Kestrel does on HTTP/2.</summary>
    public static IHeaderDictionary AddTrailersFeature(HttpContext context)
    {
        var feature = new TrailersFeature();
        context.Features.Set<IHttpResponseTrailersFeature>(feature);
        return feature.Trailers;
    }

    /// <summary>
    /// Replaces the response body with a small-buffered pipe, so a flush stays pending until the test reads:
    /// lets unit tests hold a <c>send</c> in flight.
    /// </summary>
    public static Pipe AddBackpressuredBody(HttpContext context)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1024, resumeWriterThreshold: 512, useSynchronizationContext: false));
        context.Features.Set<IHttpResponseBodyFeature>(new PipeBodyFeature(pipe.Writer));
        return pipe;
    }

    private sealed class TrailersFeature : IHttpResponseTrailersFeature
    {
        public IHeaderDictionary Trailers { get; set; } = new HeaderDictionary();
    }

    private sealed class PipeBodyFeature(PipeWriter writer) : IHttpResponseBodyFeature
    {
        public Stream Stream => writer.AsStream();

        public PipeWriter Writer => writer;

        public void DisableBuffering()
        {
        }

        public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public async Task CompleteAsync()
        {
            await writer.FlushAsync();
            await writer.CompleteAsync();
        }
    }
}
