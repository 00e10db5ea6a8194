using System.Text;
using AsgiBridge.Messages;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Toolkit;

/// <summary>
/// An ASGI application that dispatches connections to routes, in the order they were added: HTTP routes with path
/// parameters and method filters, WebSocket routes, and mounted sub-applications. The first full match wins; a path that
/// matches only with another method gets 405 with an <c>Allow</c> header; anything else gets 404 (HTTP) or a close before
/// accept, which the server turns into 403 (WebSocket). The router also answers the lifespan scope, running the startup and
/// shutdown hooks registered with <see cref="OnStartup"/> and <see cref="OnShutdown"/>. Routes, mounts or the whole router
/// can require an authenticated user (<see cref="AsgiRoute.RequireAuthentication"/>, <see cref="RequireAuthentication"/>).
/// A second route with a name already taken throws; duplicate and shadowed routes are reported by <see cref="Diagnose"/>
/// and logged as warnings through <see cref="Logger"/> at startup.
/// </summary>
public sealed partial class AsgiRouter
{
    private static readonly HttpResponseStart s_notFoundStart = new(404, [new("content-type", "text/plain; charset=utf-8"), new("content-length", "9")]);
    private static readonly HttpResponseBody s_notFoundBody = new("Not Found"u8.ToArray());

    private readonly List<AsgiRoute> _routes = [];
    private readonly List<Func<LifespanScope, Task>> _startup = [];
    private readonly List<Func<LifespanScope, Task>> _shutdown = [];
    private int _diagnosed;

    /// <summary>Creates an empty router.</summary>
    public AsgiRouter()
    {
        App = InvokeAsync;
    }

    /// <summary>The router as an ASGI application (one cached delegate).</summary>
    public AsgiApp App { get; }

    /// <summary>The routes, in matching order.</summary>
    public IReadOnlyList<AsgiRoute> Routes => _routes;

    /// <summary>
    /// The application run when nothing matches; <see langword="null"/> for the default (404 <c>Not Found</c> for HTTP,
    /// a close before accept for WebSocket).
    /// </summary>
    public AsgiApp? NotFound { get; set; }

    /// <summary>
    /// The application run when the path matches but the method does not; <see langword="null"/> for the default
    /// (405 <c>Method Not Allowed</c> with an <c>Allow</c> header). The allowed methods are in <c>scope.Items["allowed_methods"]</c>.
    /// </summary>
    public AsgiApp? MethodNotAllowed { get; set; }

    /// <summary>
    /// Whether a request that matches nothing, but would match with its trailing slash added or removed, is redirected
    /// there with 307 (default <see langword="true"/>, as starlette does).
    /// </summary>
    public bool RedirectSlashes { get; set; } = true;

    /// <summary>
    /// Whether every connection this router gets needs an authenticated <c>scope["user"]</c>, checked before routing (so
    /// unknown paths below a protected mount are refused too, and reveal nothing); set with <see cref="RequireAuthentication"/>.
    /// </summary>
    public bool RequiresAuthentication { get; private set; }

    /// <summary>
    /// Where <see cref="Diagnose"/>'s findings are logged as warnings (event ids 83 and 84), once, at <c>lifespan.startup</c>
    /// or at the first connection; <see langword="null"/> (the default) logs nothing.
    /// </summary>
    public ILogger? Logger { get; set; }

    /// <summary>
    /// Marks the router as needing an authenticated <c>scope["user"]</c> for every connection, before routing: mount it
    /// to protect a whole prefix (<c>router.Mount("/api", api.RequireAuthentication())</c>). See <see cref="AsgiRoute.RequireAuthentication"/>.
    /// </summary>
    /// <returns>This router.</returns>
    public AsgiRouter RequireAuthentication()
    {
        RequiresAuthentication = true;
        return this;
    }

    /// <summary>
    /// Lists the routes that can never run: duplicates of an earlier route and routes shadowed by an earlier one that
    /// matches every connection they would (<c>/users/{id}</c> before <c>/users/me</c>, a mount before a route below it).
    /// Mounted routers are included.
    /// </summary>
    /// <returns>One message per unreachable route, empty when every route can be reached.</returns>
    public IReadOnlyList<string> Diagnose() => [.. DiagnoseAll(string.Empty).Select(d => d.Message)];

    /// <summary>Lets the router be used wherever an application is expected.</summary>
    /// <param name="router">The router.</param>
    public static implicit operator AsgiApp(AsgiRouter router) => (router ?? throw new ArgumentNullException(nameof(router))).App;

    /// <summary>Adds any route object.</summary>
    /// <param name="route">The route.</param>
    /// <returns>This router.</returns>
    /// <exception cref="ArgumentException">Another route of this router already has the route's name.</exception>
    public AsgiRouter Add(AsgiRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        if (route.Name is { } name && _routes.Find(r => string.Equals(r.Name, name, StringComparison.Ordinal)) is { } taken)
        {
            throw new ArgumentException(
                $"Route name '{name}' is already taken by '{taken.Template}'; URL generation needs names to be unique within a router.", nameof(route));
        }

        _routes.Add(route);
        return this;
    }

    /// <summary>Adds an HTTP route.</summary>
    /// <param name="template">The path template, for example <c>/users/{id:int}</c>.</param>
    /// <param name="app">The application to run.</param>
    /// <param name="methods">Accepted methods; <see langword="null"/> for all.</param>
    /// <param name="name">Route name for <see cref="UrlPathFor"/>.</param>
    /// <returns>This router.</returns>
    public AsgiRouter Map(string template, AsgiApp app, IEnumerable<string>? methods = null, string? name = null) =>
        Add(new HttpRoute(template, app, methods, name));

    /// <summary>Adds a GET (and HEAD) route.</summary>
    /// <param name="template">The path template.</param>
    /// <param name="app">The application to run.</param>
    /// <param name="name">Route name.</param>
    /// <returns>This router.</returns>
    public AsgiRouter MapGet(string template, AsgiApp app, string? name = null) => Map(template, app, ["GET"], name);

    /// <summary>Adds a POST route.</summary>
    /// <param name="template">The path template.</param>
    /// <param name="app">The application to run.</param>
    /// <param name="name">Route name.</param>
    /// <returns>This router.</returns>
    public AsgiRouter MapPost(string template, AsgiApp app, string? name = null) => Map(template, app, ["POST"], name);

    /// <summary>Adds a PUT route.</summary>
    /// <param name="template">The path template.</param>
    /// <param name="app">The application to run.</param>
    /// <param name="name">Route name.</param>
    /// <returns>This router.</returns>
    public AsgiRouter MapPut(string template, AsgiApp app, string? name = null) => Map(template, app, ["PUT"], name);

    /// <summary>Adds a PATCH route.</summary>
    /// <param name="template">The path template.</param>
    /// <param name="app">The application to run.</param>
    /// <param name="name">Route name.</param>
    /// <returns>This router.</returns>
    public AsgiRouter MapPatch(string template, AsgiApp app, string? name = null) => Map(template, app, ["PATCH"], name);

    /// <summary>Adds a DELETE route.</summary>
    /// <param name="template">The path template.</param>
    /// <param name="app">The application to run.</param>
    /// <param name="name">Route name.</param>
    /// <returns>This router.</returns>
    public AsgiRouter MapDelete(string template, AsgiApp app, string? name = null) => Map(template, app, ["DELETE"], name);

    /// <summary>Adds an HTTP route with a request/response endpoint.</summary>
    /// <param name="template">The path template.</param>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="methods">Accepted methods; <see langword="null"/> for all.</param>
    /// <param name="name">Route name.</param>
    /// <returns>This router.</returns>
    public AsgiRouter Map(string template, Func<AsgiRequest, Task<AsgiResponse>> endpoint, IEnumerable<string>? methods = null, string? name = null) =>
        Map(template, AsgiHandlers.FromRequest(endpoint), methods, name);

    /// <summary>Adds a GET (and HEAD) route with a request/response endpoint.</summary>
    /// <param name="template">The path template.</param>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="name">Route name.</param>
    /// <returns>This router.</returns>
    public AsgiRouter MapGet(string template, Func<AsgiRequest, Task<AsgiResponse>> endpoint, string? name = null) => Map(template, endpoint, ["GET"], name);

    /// <summary>Adds a POST route with a request/response endpoint.</summary>
    /// <param name="template">The path template.</param>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="name">Route name.</param>
    /// <returns>This router.</returns>
    public AsgiRouter MapPost(string template, Func<AsgiRequest, Task<AsgiResponse>> endpoint, string? name = null) => Map(template, endpoint, ["POST"], name);

    /// <summary>Adds a PUT route with a request/response endpoint.</summary>
    /// <param name="template">The path template.</param>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="name">Route name.</param>
    /// <returns>This router.</returns>
    public AsgiRouter MapPut(string template, Func<AsgiRequest, Task<AsgiResponse>> endpoint, string? name = null) => Map(template, endpoint, ["PUT"], name);

    /// <summary>Adds a DELETE route with a request/response endpoint.</summary>
    /// <param name="template">The path template.</param>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="name">Route name.</param>
    /// <returns>This router.</returns>
    public AsgiRouter MapDelete(string template, Func<AsgiRequest, Task<AsgiResponse>> endpoint, string? name = null) => Map(template, endpoint, ["DELETE"], name);

    /// <summary>Adds a WebSocket route with a session endpoint.</summary>
    /// <param name="template">The path template.</param>
    /// <param name="endpoint">The endpoint; it accepts, talks and closes.</param>
    /// <param name="name">Route name.</param>
    /// <returns>This router.</returns>
    public AsgiRouter MapWebSocket(string template, Func<AsgiWebSocket, Task> endpoint, string? name = null) =>
        MapWebSocket(template, AsgiHandlers.FromWebSocket(endpoint), name);

    /// <summary>Adds a WebSocket route.</summary>
    /// <param name="template">The path template.</param>
    /// <param name="app">The application to run.</param>
    /// <param name="name">Route name.</param>
    /// <returns>This router.</returns>
    public AsgiRouter MapWebSocket(string template, AsgiApp app, string? name = null) => Add(new WebSocketRoute(template, app, name));

    /// <summary>Mounts an application at a prefix (it sees <c>root_path</c> extended by the prefix).</summary>
    /// <param name="prefix">The prefix template.</param>
    /// <param name="app">The mounted application.</param>
    /// <param name="name">Mount name.</param>
    /// <returns>This router.</returns>
    public AsgiRouter Mount(string prefix, AsgiApp app, string? name = null) => Add(new Mount(prefix, app, name));

    /// <summary>Mounts a router at a prefix; URL generation reaches its routes (as <c>"mount:route"</c> when the mount is named).</summary>
    /// <param name="prefix">The prefix template.</param>
    /// <param name="router">The mounted router.</param>
    /// <param name="name">Mount name.</param>
    /// <returns>This router.</returns>
    public AsgiRouter Mount(string prefix, AsgiRouter router, string? name = null) => Add(new Mount(prefix, router, name));

    /// <summary>Adds a hook run on <c>lifespan.startup</c>, in order; an exception becomes <c>lifespan.startup.failed</c>.</summary>
    /// <param name="hook">The hook; it may put values into the scope's <c>state</c>.</param>
    /// <returns>This router.</returns>
    public AsgiRouter OnStartup(Func<LifespanScope, Task> hook)
    {
        _startup.Add(hook ?? throw new ArgumentNullException(nameof(hook)));
        return this;
    }

    /// <summary>Adds a hook run on <c>lifespan.shutdown</c>, in order; an exception becomes <c>lifespan.shutdown.failed</c>.</summary>
    /// <param name="hook">The hook.</param>
    /// <returns>This router.</returns>
    public AsgiRouter OnShutdown(Func<LifespanScope, Task> hook)
    {
        _shutdown.Add(hook ?? throw new ArgumentNullException(nameof(hook)));
        return this;
    }

    /// <summary>Builds the path of a named route from parameter values.</summary>
    /// <param name="name">The route name (<c>"mount:route"</c> for a route of a named mount).</param>
    /// <param name="values">Parameter values.</param>
    /// <returns>The path, relative to this router's root.</returns>
    /// <exception cref="KeyNotFoundException">No route has that name, or a required value is missing.</exception>
    public string UrlPathFor(string name, IReadOnlyDictionary<string, object?>? values = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryUrlPathFor(name, values ?? new Dictionary<string, object?>(), out var path)
            ? path
            : throw new KeyNotFoundException($"No route named '{name}' can be built from the given values.");
    }

    /// <summary>Runs the router for one connection.</summary>
    /// <param name="scope">The connection scope.</param>
    /// <param name="receive">The receive callable.</param>
    /// <param name="send">The send callable.</param>
    /// <returns>A task that completes when the connection is handled.</returns>
    public Task InvokeAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return scope switch
        {
            ConnectionScope connection => DispatchAsync(connection, receive, send),
            LifespanScope lifespan => RunLifespanAsync(lifespan, receive, send),
            _ => throw new NotSupportedException($"The router does not handle '{scope.Type}' scopes."),
        };
    }

    internal bool TryUrlPathFor(string name, IReadOnlyDictionary<string, object?> values, out string path)
    {
        foreach (var route in _routes)
        {
            if (route.TryGetPath(name, values, out path))
            {
                return true;
            }
        }

        path = string.Empty;
        return false;
    }

    private List<(bool Duplicate, string Message)> DiagnoseAll(string prefix)
    {
        var found = RouteDiagnostics.Find(_routes, prefix);
        foreach (var route in _routes)
        {
            if (route is Mount { Router: { } child } mount)
            {
                found.AddRange(child.DiagnoseAll(prefix + mount.Prefix));
            }
        }

        return found;
    }

    private void ReportDiagnosticsOnce()
    {
        if (Logger is not { } logger || Volatile.Read(ref _diagnosed) != 0 || Interlocked.Exchange(ref _diagnosed, 1) != 0)
        {
            return;
        }

        foreach (var (duplicate, message) in DiagnoseAll(string.Empty))
        {
            if (duplicate)
            {
                ToolkitLog.RouterDuplicateRoute(logger, message);
            }
            else
            {
                ToolkitLog.RouterShadowedRoute(logger, message);
            }
        }
    }

    private static string RoutePath(ConnectionScope scope)
    {
        var path = PathSegments.BelowRoot(scope);
        return path.Length == 0 ? "/" : path;
    }

    private Task DispatchAsync(ConnectionScope scope, AsgiReceive receive, AsgiSend send)
    {
        ReportDiagnosticsOnce();
        if (RequiresAuthentication && !AuthenticationRequirement.IsMet(scope))
        {
            return AuthenticationRequirement.RefuseAsync(scope, receive, send);
        }

        var routePath = RoutePath(scope);
        List<string>? allowed = null;
        foreach (var route in _routes)
        {
            switch (route.Match(scope, routePath, out var pathParams))
            {
                case RouteMatch.Full when route.RequiresAuthentication && !AuthenticationRequirement.IsMet(scope):
                    return AuthenticationRequirement.RefuseAsync(scope, receive, send);
                case RouteMatch.Full:
                    return route.HandleAsync((ConnectionScope)scope.Copy(), routePath, pathParams!, receive, send);
                case RouteMatch.Partial when route is HttpRoute { Methods: { } methods }:
                    allowed ??= [];
                    foreach (var method in methods)
                    {
                        if (!allowed.Contains(method))
                        {
                            allowed.Add(method);
                        }
                    }

                    break;
            }
        }

        if (allowed is not null)
        {
            var child = (ConnectionScope)scope.Copy();
            child.Items["allowed_methods"] = allowed;
            return (MethodNotAllowed ?? DefaultMethodNotAllowed)(child, receive, send);
        }

        if (RedirectSlashes && scope is HttpScope http && routePath != "/" && TryRedirectSlash(http, routePath, out var location))
        {
            return RedirectAsync(send, location);
        }

        return (NotFound ?? DefaultNotFound)(scope, receive, send);
    }

    private bool TryRedirectSlash(HttpScope scope, string routePath, out string location)
    {
        var alternative = routePath.EndsWith('/') ? routePath.TrimEnd('/') : routePath + "/";
        location = string.Empty;
        if (alternative.Length == 0)
        {
            return false;
        }

        foreach (var route in _routes)
        {
            if (route.Match(scope, alternative, out _) != RouteMatch.None)
            {
                var target = string.Join('/', (scope.RootPath + alternative).Split('/').Select(Uri.EscapeDataString));
                var query = scope.QueryString;
                location = query.IsEmpty ? target : target + "?" + Encoding.Latin1.GetString(query.Span);
                return true;
            }
        }

        return false;
    }

    private static async Task RedirectAsync(AsgiSend send, string location)
    {
        await send(new HttpResponseStart(307, [new("location", location), new("content-length", "0")])).ConfigureAwait(false);
        await send(HttpResponseBody.Empty).ConfigureAwait(false);
    }

    private static async Task DefaultNotFound(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        if (scope is WebSocketScope)
        {
            await send(WebSocketClose.Normal).ConfigureAwait(false);
            return;
        }

        await send(s_notFoundStart).ConfigureAwait(false);
        await send(s_notFoundBody).ConfigureAwait(false);
    }

    private static async Task DefaultMethodNotAllowed(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        var allowed = (List<string>)scope.Items["allowed_methods"]!;
        var body = "Method Not Allowed"u8.ToArray();
        await send(new HttpResponseStart(405,
        [
            new("allow", string.Join(", ", allowed)),
            new("content-type", "text/plain; charset=utf-8"),
            new("content-length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ])).ConfigureAwait(false);
        await send(new HttpResponseBody(body)).ConfigureAwait(false);
    }

    private async Task RunLifespanAsync(LifespanScope scope, AsgiReceive receive, AsgiSend send)
    {
        while (true)
        {
            var message = await receive().ConfigureAwait(false);
            switch (message)
            {
                case LifespanStartup:
                    ReportDiagnosticsOnce();
                    try
                    {
                        foreach (var hook in _startup)
                        {
                            await hook(scope).ConfigureAwait(false);
                        }
                    }
                    catch (Exception ex)
                    {
                        await send(new LifespanStartupFailed(ex.Message)).ConfigureAwait(false);
                        return;
                    }

                    await send(LifespanStartupComplete.Instance).ConfigureAwait(false);
                    break;
                case LifespanShutdown:
                    try
                    {
                        foreach (var hook in _shutdown)
                        {
                            await hook(scope).ConfigureAwait(false);
                        }
                    }
                    catch (Exception ex)
                    {
                        await send(new LifespanShutdownFailed(ex.Message)).ConfigureAwait(false);
                        return;
                    }

                    await send(LifespanShutdownComplete.Instance).ConfigureAwait(false);
                    return;
                default:
                    return;
            }
        }
    }
}
