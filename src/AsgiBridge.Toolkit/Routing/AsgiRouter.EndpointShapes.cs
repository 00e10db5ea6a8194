using AsgiBridge.Composition;

namespace AsgiBridge.Toolkit;

/// <summary>The other endpoint shapes a route can run: synchronous request/response endpoints and class-based applications.</summary>
public sealed partial class AsgiRouter
{
    /// <summary>Adds an HTTP route with a synchronous request/response endpoint.</summary>
    /// <param name="template">The path template.</param>
    /// <param name="endpoint">The endpoint. A lambda that only throws needs its return type: <c>AsgiResponse (_) =&gt; throw …</c>.</param>
    /// <param name="methods">Accepted methods; <see langword="null"/> for all.</param>
    /// <param name="name">Route name.</param>
    /// <returns>This router.</returns>
    public AsgiRouter Map(string template, Func<AsgiRequest, AsgiResponse> endpoint, IEnumerable<string>? methods = null, string? name = null) =>
        Map(template, AsgiHandlers.FromRequest(endpoint), methods, name);

    /// <summary>Adds a GET (and HEAD) route with a synchronous request/response endpoint.</summary>
    /// <param name="template">The path template.</param>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="name">Route name.</param>
    /// <returns>This router.</returns>
    public AsgiRouter MapGet(string template, Func<AsgiRequest, AsgiResponse> endpoint, string? name = null) => Map(template, endpoint, ["GET"], name);

    /// <summary>Adds a POST route with a synchronous request/response endpoint.</summary>
    /// <param name="template">The path template.</param>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="name">Route name.</param>
    /// <returns>This router.</returns>
    public AsgiRouter MapPost(string template, Func<AsgiRequest, AsgiResponse> endpoint, string? name = null) => Map(template, endpoint, ["POST"], name);

    /// <summary>Adds a PUT route with a synchronous request/response endpoint.</summary>
    /// <param name="template">The path template.</param>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="name">Route name.</param>
    /// <returns>This router.</returns>
    public AsgiRouter MapPut(string template, Func<AsgiRequest, AsgiResponse> endpoint, string? name = null) => Map(template, endpoint, ["PUT"], name);

    /// <summary>Adds a PATCH route with a synchronous request/response endpoint.</summary>
    /// <param name="template">The path template.</param>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="name">Route name.</param>
    /// <returns>This router.</returns>
    public AsgiRouter MapPatch(string template, Func<AsgiRequest, AsgiResponse> endpoint, string? name = null) => Map(template, endpoint, ["PATCH"], name);

    /// <summary>Adds a DELETE route with a synchronous request/response endpoint.</summary>
    /// <param name="template">The path template.</param>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="name">Route name.</param>
    /// <returns>This router.</returns>
    public AsgiRouter MapDelete(string template, Func<AsgiRequest, AsgiResponse> endpoint, string? name = null) => Map(template, endpoint, ["DELETE"], name);

    /// <summary>Adds an HTTP route run by a class-based application (Python's class with <c>__call__</c>).</summary>
    /// <param name="template">The path template.</param>
    /// <param name="app">The application object.</param>
    /// <param name="methods">Accepted methods; <see langword="null"/> for all.</param>
    /// <param name="name">Route name.</param>
    /// <returns>This router.</returns>
    public AsgiRouter Map(string template, IAsgiApplication app, IEnumerable<string>? methods = null, string? name = null) =>
        Map(template, AsgiApps.FromObject(app), methods, name);

    /// <summary>
    /// Adds an HTTP route run by a per-connection class: <paramref name="factory"/> creates one handler per connection from
    /// its scope (Python's class whose constructor takes the scope), then the handler runs with receive and send.
    /// </summary>
    /// <typeparam name="THandler">The handler type.</typeparam>
    /// <param name="template">The path template.</param>
    /// <param name="factory">Creates the handler for a connection's scope.</param>
    /// <param name="methods">Accepted methods; <see langword="null"/> for all.</param>
    /// <param name="name">Route name.</param>
    /// <returns>This router.</returns>
    public AsgiRouter Map<THandler>(string template, Func<AsgiScope, THandler> factory, IEnumerable<string>? methods = null, string? name = null)
        where THandler : IAsgiConnectionHandler =>
        Map(template, AsgiApps.PerConnection(factory), methods, name);

    /// <summary>Adds a WebSocket route run by a class-based application.</summary>
    /// <param name="template">The path template.</param>
    /// <param name="app">The application object.</param>
    /// <param name="name">Route name.</param>
    /// <returns>This router.</returns>
    public AsgiRouter MapWebSocket(string template, IAsgiApplication app, string? name = null) => MapWebSocket(template, AsgiApps.FromObject(app), name);

    /// <summary>Mounts a class-based application at a prefix.</summary>
    /// <param name="prefix">The prefix template.</param>
    /// <param name="app">The application object.</param>
    /// <param name="name">Mount name.</param>
    /// <returns>This router.</returns>
    public AsgiRouter Mount(string prefix, IAsgiApplication app, string? name = null) => Mount(prefix, AsgiApps.FromObject(app), name);
}
