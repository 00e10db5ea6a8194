using System.Collections.Frozen;
using AsgiBridge.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ObjectPool;

namespace AsgiBridge.Server;

/// <summary>
/// Runs one ASGI application for HTTP requests: builds the scope, rents a <see cref="HttpCycle"/>, calls the
/// application and finishes the response. The hot path stays synchronous when the application completes synchronously.
/// </summary>
internal sealed class AsgiHttpHandler
{
    private static readonly IReadOnlyDictionary<string, object?> s_emptyExtension = FrozenDictionary<string, object?>.Empty;

    private static readonly IReadOnlyDictionary<string, object?> s_extensions = new Dictionary<string, object?>
    {
        [AsgiExtensionNames.PathSend] = s_emptyExtension,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly IReadOnlyDictionary<string, object?> s_extensionsWithTrailers = new Dictionary<string, object?>
    {
        [AsgiExtensionNames.PathSend] = s_emptyExtension,
        [AsgiExtensionNames.Trailers] = s_emptyExtension,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly AsgiApp _app;
    private readonly AsgiOptions _options;
    private readonly ILogger _logger;
    private readonly ObjectPool<HttpCycle> _pool;
    private readonly Func<HttpContext, string>? _rootPath;
    private readonly IAsgiStateSource? _stateSource;

    public AsgiHttpHandler(AsgiApp app, AsgiOptions options, ILogger logger, Func<HttpContext, string>? rootPath, IAsgiStateSource? stateSource)
    {
        _app = app;
        _options = options;
        _logger = logger;
        _rootPath = rootPath;
        _stateSource = stateSource;
        _pool = new DefaultObjectPool<HttpCycle>(new CyclePolicy(), Math.Max(128, Environment.ProcessorCount * 16));
    }

    public Task HandleAsync(HttpContext context)
    {
        var scope = new HttpScope(context);
        var trailers = TrailersAllowed(context);
        scope.Extensions = trailers ? s_extensionsWithTrailers : s_extensions;
        if (_rootPath is not null)
        {
            scope.RootPath = _rootPath(context);
        }

        if (_stateSource is not null)
        {
            scope.SetStateSource(_stateSource.State);
        }

        var cycle = _pool.Get();
        cycle.Initialize(context, scope, _options, _logger, trailers);

        Task app;
        try
        {
            app = _app(scope, cycle.Receive, cycle.Send);
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

        try
        {
            await cycle.FinishAsync(failure).ConfigureAwait(false);
        }
        finally
        {
            Release(cycle);
        }
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
        // A receive or send the application left running still uses the cycle: let the collector have it instead.
        if (cycle.IsIdle)
        {
            _pool.Return(cycle);
        }
    }

    private static bool TrailersAllowed(HttpContext context)
    {
        var request = context.Request;
        var protocol = request.Protocol;
        if (!HttpProtocol.IsHttp2(protocol) && !HttpProtocol.IsHttp3(protocol) && !AcceptsTrailers(request))
        {
            // HTTP/1.x carries trailers only in a chunked body, and only to a client that announced 'TE: trailers'.
            return false;
        }

        var trailers = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers;
        return trailers is not null && !trailers.IsReadOnly;
    }

    private static bool AcceptsTrailers(HttpRequest request)
    {
        foreach (var value in request.Headers.TE)
        {
            if (value is not null && value.Contains("trailers", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
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
