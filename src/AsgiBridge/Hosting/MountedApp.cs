using System.Collections.Frozen;
using AsgiBridge.Diagnostics;
using AsgiBridge.Lifespan;
using AsgiBridge.Server;
using AsgiBridge.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.ObjectPool;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Options;

namespace AsgiBridge.Hosting;

/// <summary>
/// One ASGI application mounted in the ASP.NET Core pipeline by <c>UseAsgi</c> or <c>MapAsgi</c>: it holds what the
/// application's connections share (the bridge runtime, its lifespan state, the pool of HTTP cycles, ASP.NET Core's
/// WebSocket middleware configured from <see cref="AsgiOptions"/>), checks each request's headers, and dispatches it to
/// an <see cref="HttpCycle"/> or a <see cref="WebSocketCycle"/>.
/// </summary>
internal sealed class MountedApp
{
    private static readonly IReadOnlyDictionary<string, object?> s_empty = FrozenDictionary<string, object?>.Empty;

    // The asgi and extensions keys of every scope of a kind: one shared instance, nothing allocated per connection.
    private static readonly ScopeProtocol s_http = new(AsgiVersion.Www, new Dictionary<string, object?>
    {
        [AsgiExtensionNames.PathSend] = s_empty,
    }.ToFrozenDictionary(StringComparer.Ordinal));

    private static readonly ScopeProtocol s_httpWithTrailers = new(AsgiVersion.Www, new Dictionary<string, object?>
    {
        [AsgiExtensionNames.PathSend] = s_empty,
        [AsgiExtensionNames.Trailers] = s_empty,
    }.ToFrozenDictionary(StringComparer.Ordinal));

    private static readonly ScopeProtocol s_webSocket = new(AsgiVersion.Www, new Dictionary<string, object?>
    {
        [AsgiExtensionNames.WebSocketHttpResponse] = s_empty,
    }.ToFrozenDictionary(StringComparer.Ordinal));

    private readonly AsgiApp _app;
    private readonly AsgiBridgeRuntime _runtime;
    private readonly AppLifespan? _lifespan;
    private readonly Func<HttpContext, string>? _rootPath;
    private readonly ObjectPool<HttpCycle> _cycles;
    private readonly WebSocketMiddleware? _webSockets;

    private MountedApp(AsgiApp app, AsgiBridgeRuntime runtime, AppLifespan? lifespan, Func<HttpContext, string>? rootPath)
    {
        _app = app;
        _runtime = runtime;
        _lifespan = lifespan;
        _rootPath = rootPath;
        _cycles = new DefaultObjectPool<HttpCycle>(new CyclePolicy(), Math.Max(128, Environment.ProcessorCount * 16));
        var options = runtime.Options;
        if (options.EnableWebSockets)
        {
            // ASP.NET Core's WebSocket middleware runs inside the bridge, and only for requests that can be upgrades, so
            // plain HTTP requests pay for neither an extra middleware nor the WebSocket checks. It also enforces the origins.
            _webSockets = new WebSocketMiddleware(DispatchAsync, Microsoft.Extensions.Options.Options.Create(WebSocketOptionsFrom(options)), runtime.LoggerFactory);
        }
    }

    /// <summary>Mounts an application and returns the request delegate that serves it.</summary>
    /// <param name="services">The application's services; <c>AddAsgi</c> must have registered the bridge.</param>
    /// <param name="app">The ASGI application.</param>
    /// <param name="rootPath">Computes <c>root_path</c> for a request (MapAsgi's matched prefix); <see langword="null"/> uses <c>PathBase</c>.</param>
    /// <returns>The request delegate.</returns>
    /// <exception cref="InvalidOperationException"><c>AddAsgi</c> was not called.</exception>
    public static RequestDelegate Create(IServiceProvider services, AsgiApp app, Func<HttpContext, string>? rootPath)
    {
        ArgumentNullException.ThrowIfNull(app);
        var runtime = services.GetService<AsgiBridgeRuntime>() ?? throw new InvalidOperationException(
            "UseAsgi and MapAsgi need the bridge's services: call builder.Services.AddAsgi() before builder.Build(). "
            + "Without it the lifespan protocol would never run and the bridge's options would be ignored.");
        var lifespan = services.GetService<AsgiAppRegistry>()?.Register(app);
        return new MountedApp(app, runtime, lifespan, rootPath).HandleAsync;
    }

    private Task HandleAsync(HttpContext context)
    {
        if (RequestHeaderScreen.Reject(context.Request.Headers, _runtime.Options.MaxRequestHeaderValues) is { } status)
        {
            AsgiLog.RequestHeadersRejected(_runtime.Logger, context.Request.Method, context.Request.Path.Value ?? "/", status);
            context.Response.StatusCode = status;
            context.Response.ContentLength = 0;
            return Task.CompletedTask;
        }

        if (_lifespan is { RegisteredLate: true } lifespan && !lifespan.Ready.IsCompletedSuccessfully)
        {
            return WaitForStartupAsync(context, lifespan);
        }

        return Serve(context);
    }

    private Task Serve(HttpContext context) =>
        _webSockets is not null && MayUpgrade(context.Request) ? ServeUpgradable(context) : ServeHttp(context);

    private Task ServeUpgradable(HttpContext context)
    {
        // Lets the WebSocket cycle tell a close frame without a code (1005) from 1000, which the socket reports alike.
        ObservedUpgradeFeatures.Install(context);
        return _webSockets!.Invoke(context);
    }

    private Task DispatchAsync(HttpContext context) =>
        context.WebSockets.IsWebSocketRequest ? ServeWebSocketAsync(context) : ServeHttp(context);

    private Task ServeHttp(HttpContext context)
    {
        var cycle = _cycles.Get();
        var trailers = TrailersAllowed(context);
        cycle.Initialize(context, _runtime, trailers);
        var scope = cycle.Scope;
        scope.SetProtocol(trailers ? s_httpWithTrailers : s_http);
        Prepare(scope, context);
        StartObserving(cycle, AsgiScopeTypes.Http, context);

        Task app;
        try
        {
            app = _app(scope, scope.ReceiveFromConnection, scope.SendToConnection)
                ?? Task.FromException(new AsgiProtocolException("The ASGI application returned a null task."));
        }
        catch (Exception ex)
        {
            app = Task.FromException(ex);
        }

        if (app.IsCompletedSuccessfully)
        {
            var finish = cycle.FinishAsync(null);
            if (finish.IsCompletedSuccessfully)
            {
                Release(cycle);
                return Task.CompletedTask;
            }

            return AwaitFinish(finish, cycle);
        }

        return AwaitApp(app, cycle);
    }

    private async Task AwaitApp(Task app, HttpCycle cycle)
    {
        Exception? failure = null;
        try
        {
            await app.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        await AwaitFinish(cycle.FinishAsync(failure), cycle).ConfigureAwait(false);
    }

    private async Task AwaitFinish(Task finish, HttpCycle cycle)
    {
        try
        {
            await finish.ConfigureAwait(false);
        }
        finally
        {
            Release(cycle);
        }
    }

    private void Release(HttpCycle cycle)
    {
        _runtime.Connections.Remove(cycle);
        StopObserving(cycle, AsgiScopeTypes.Http);

        // A receive or send the application left running still uses the cycle: let the collector have it instead.
        if (cycle.IsIdle)
        {
            _cycles.Return(cycle);
        }
    }

    private async Task ServeWebSocketAsync(HttpContext context)
    {
        var cycle = new WebSocketCycle(context, _runtime);
        var scope = cycle.Scope;
        scope.SetProtocol(s_webSocket);
        Prepare(scope, context);
        StartObserving(cycle, AsgiScopeTypes.WebSocket, context);
        Exception? failure = null;
        try
        {
            await (_app(scope, scope.ReceiveFromConnection, scope.SendToConnection)
                ?? Task.FromException(new AsgiProtocolException("The ASGI application returned a null task."))).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        try
        {
            await cycle.FinishAsync(failure).ConfigureAwait(false);
        }
        finally
        {
            _runtime.Connections.Remove(cycle);
            StopObserving(cycle, AsgiScopeTypes.WebSocket);
        }
    }

    /// <summary>Counts the connection and starts its activity, when something listens.</summary>
    private void StartObserving(HttpContextConnection connection, string scopeType, HttpContext context)
    {
        var metrics = _runtime.Metrics;
        if (metrics.ConnectionsEnabled)
        {
            connection.MetricsTracked = true;
            connection.MetricsStarted = metrics.ConnectionStarted(scopeType);
        }

        connection.Activity = AsgiMetrics.StartConnectionActivity(scopeType, context.Request.Path.Value ?? "/");
    }

    /// <summary>Counts the end of the connection and stops its activity, with the outcome the cycle recorded.</summary>
    private void StopObserving(HttpContextConnection connection, string scopeType)
    {
        if (!connection.MetricsTracked && connection.Activity is null)
        {
            return;
        }

        var context = connection.Transport as HttpContext;
        var outcome = context?.GetAsgiOutcome();
        if (connection.MetricsTracked)
        {
            _runtime.Metrics.ConnectionEnded(scopeType, connection.MetricsStarted, outcome?.End ?? AsgiConnectionEnd.Completed);
        }

        // The status the client got, whether the application or the bridge chose it; none when no response started.
        int? status = context is { Response.HasStarted: true } ? context.Response.StatusCode : outcome?.ErrorStatusCode;
        AsgiMetrics.StopConnectionActivity(connection.Activity, outcome, status);
        connection.Activity = null;
        connection.MetricsTracked = false;
    }

    private void Prepare(ConnectionScope scope, HttpContext context)
    {
        if (_rootPath is not null)
        {
            scope.RootPath = _rootPath(context);
        }

        if (_lifespan?.State is { } state)
        {
            scope.SetStateSource(state);
        }
    }

    private async Task WaitForStartupAsync(HttpContext context, AppLifespan lifespan)
    {
        try
        {
            await lifespan.Ready.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception)
        {
            // Startup failed (host start fails too): the application is not available.
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        await Serve(context).ConfigureAwait(false);
    }

    private static bool TrailersAllowed(HttpContext context)
    {
        // The extension says trailers go out only to a client that announced 'TE: trailers', whatever the protocol;
        // Kestrel carries them only on HTTP/2 and HTTP/3 (SupportsTrailers is false on HTTP/1.1).
        foreach (var value in context.Request.Headers.TE)
        {
            if (value is not null && value.Contains("trailers", StringComparison.OrdinalIgnoreCase))
            {
                return context.Response.SupportsTrailers();
            }
        }

        return false;
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

        foreach (var origin in options.WebSocketAllowedOrigins)
        {
            webSocketOptions.AllowedOrigins.Add(origin);
        }

        return webSocketOptions;
    }

    private sealed class CyclePolicy : PooledObjectPolicy<HttpCycle>
    {
        public override HttpCycle Create() => new();

        public override bool Return(HttpCycle obj)
        {
            obj.Reset();
            return true;
        }
    }
}
