namespace AsgiBridge.Toolkit;

/// <summary>One entry of an <see cref="AsgiRouter"/>: an HTTP route, a WebSocket route or a mount.</summary>
public abstract class AsgiRoute
{
    private protected AsgiRoute(string template, AsgiApp app, string? name)
    {
        App = app ?? throw new ArgumentNullException(nameof(app));
        Matcher = new RoutePathMatcher(template);
        Name = name;
    }

    /// <summary>The route template.</summary>
    public string Template => Matcher.Template;

    /// <summary>The route's name for URL generation, or <see langword="null"/>.</summary>
    public string? Name { get; }

    /// <summary>
    /// Whether the route (for a mount: everything below it) needs an authenticated <c>scope["user"]</c>; set with
    /// <see cref="RequireAuthentication"/>. The router checks it once the route matches, so protection is decided by the
    /// very match that runs the route.
    /// </summary>
    public bool RequiresAuthentication { get; private set; }

    /// <summary>
    /// Marks the route as needing an authenticated <c>scope["user"]</c> (as ASP.NET Core endpoints carry
    /// <c>RequireAuthorization()</c>): a connection without one is refused with 401 (HTTP) or a close before accept
    /// (WebSocket), with the refusal of the bearer middleware when one ran before the router.
    /// </summary>
    /// <returns>This route.</returns>
    public AsgiRoute RequireAuthentication()
    {
        RequiresAuthentication = true;
        return this;
    }

    private protected RoutePathMatcher Matcher { get; }

    /// <summary>The parsed template, for the router's diagnostics.</summary>
    internal Microsoft.AspNetCore.Routing.Patterns.RoutePattern Pattern => Matcher.Pattern;

    /// <summary>Decides whether this route handles a connection.</summary>
    /// <param name="scope">The connection scope.</param>
    /// <param name="routePath">The path relative to the router's <c>root_path</c>.</param>
    /// <param name="pathParams">The matched parameters.</param>
    /// <returns>How the route matches.</returns>
    internal abstract RouteMatch Match(ConnectionScope scope, string routePath, out Dictionary<string, object?>? pathParams);

    /// <summary>Runs the matched route with a copy of the scope.</summary>
    /// <param name="scope">The child scope (already a copy of the router's scope).</param>
    /// <param name="routePath">The path relative to the router's <c>root_path</c>.</param>
    /// <param name="pathParams">The parameters <see cref="Match"/> returned.</param>
    /// <param name="receive">The receive callable.</param>
    /// <param name="send">The send callable.</param>
    /// <returns>A task that completes when the connection is handled.</returns>
    internal virtual Task HandleAsync(ConnectionScope scope, string routePath, Dictionary<string, object?> pathParams, AsgiReceive receive, AsgiSend send)
    {
        MergePathParams(scope, pathParams);
        return App(scope, receive, send);
    }

    /// <summary>The application the route runs (for a mount, the mounted application).</summary>
    public AsgiApp App { get; }

    /// <summary>Adds the matched parameters to those of enclosing routes (a mount's parameters stay visible below it).</summary>
    /// <param name="scope">The child scope.</param>
    /// <param name="values">The parameters matched by this route.</param>
    private protected static void MergePathParams(ConnectionScope scope, Dictionary<string, object?> values)
    {
        var existing = scope.PathParams;
        if (existing.Count > 0)
        {
            foreach (var (key, value) in existing)
            {
                values.TryAdd(key, value);
            }
        }

        scope.PathParams = values;
    }

    /// <summary>Builds a path for this route (or, for a mount, a route below it) from parameter values.</summary>
    /// <param name="name">The route name being looked up.</param>
    /// <param name="values">Parameter values.</param>
    /// <param name="path">The path.</param>
    /// <returns><see langword="true"/> when this route (or a child) has that name and every required value is given.</returns>
    internal abstract bool TryGetPath(string name, IReadOnlyDictionary<string, object?> values, out string path);
}
