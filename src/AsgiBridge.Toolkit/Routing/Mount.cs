namespace AsgiBridge.Toolkit;

/// <summary>
/// Mounts an application (often another <see cref="AsgiRouter"/>) at a path prefix, for HTTP and WebSocket connections.
/// The mounted application sees <c>root_path</c> extended by the matched prefix and the unchanged full <c>path</c>,
/// exactly as a server mounting it there would give it. Mounts nest.
/// </summary>
public sealed class Mount : AsgiRoute
{
    private const string RestParameter = "__mount_rest";

    /// <summary>Creates the mount.</summary>
    /// <param name="prefix">The prefix template, for example <c>/api</c> or <c>/tenants/{tenant}</c>.</param>
    /// <param name="app">The mounted application.</param>
    /// <param name="name">The name for URL generation (<c>"name:child"</c> reaches a route of a mounted router).</param>
    public Mount(string prefix, AsgiApp app, string? name = null)
        : base(prefix.TrimEnd('/') + "/{**" + RestParameter + "}", app, name)
    {
        Prefix = prefix.TrimEnd('/');
    }

    /// <summary>Mounts a router, which also lets URL generation reach its routes.</summary>
    /// <param name="prefix">The prefix template.</param>
    /// <param name="router">The mounted router.</param>
    /// <param name="name">The name for URL generation.</param>
    public Mount(string prefix, AsgiRouter router, string? name = null)
        : this(prefix, (router ?? throw new ArgumentNullException(nameof(router))).App, name)
    {
        Router = router;
    }

    /// <summary>The prefix, without a trailing slash.</summary>
    public string Prefix { get; }

    /// <summary>The mounted router, when a router was mounted.</summary>
    public AsgiRouter? Router { get; }

    /// <inheritdoc />
    internal override RouteMatch Match(ConnectionScope scope, string routePath, out Dictionary<string, object?>? pathParams)
    {
        pathParams = null;
        if (scope is not (HttpScope or WebSocketScope) || !Matcher.TryMatch(routePath, out var values))
        {
            return RouteMatch.None;
        }

        if (values.TryGetValue(RestParameter, out var rest) && rest is string text && text.Length > 0
            && !routePath.EndsWith(text, StringComparison.Ordinal))
        {
            return RouteMatch.None;
        }

        pathParams = values;
        return RouteMatch.Full;
    }

    /// <inheritdoc />
    internal override Task HandleAsync(ConnectionScope scope, string routePath, Dictionary<string, object?> pathParams, AsgiReceive receive, AsgiSend send)
    {
        var rest = pathParams.Remove(RestParameter, out var value) ? value as string : null;
        var matched = string.IsNullOrEmpty(rest) ? routePath.TrimEnd('/') : routePath[..^rest.Length].TrimEnd('/');
        scope.RootPath += matched;
        MergePathParams(scope, pathParams);
        return App(scope, receive, send);
    }

    /// <inheritdoc />
    internal override bool TryGetPath(string name, IReadOnlyDictionary<string, object?> values, out string path)
    {
        path = string.Empty;
        if (!RoutePathBuilder.TryBuild(Matcher.Pattern, values, out var prefix, skip: RestParameter))
        {
            return false;
        }

        prefix = prefix.TrimEnd('/');
        if (Name is not null && string.Equals(name, Name, StringComparison.Ordinal))
        {
            path = prefix + "/";
            return true;
        }

        if (Router is null)
        {
            return false;
        }

        var childName = name;
        if (Name is not null)
        {
            if (!name.StartsWith(Name + ":", StringComparison.Ordinal))
            {
                return false;
            }

            childName = name[(Name.Length + 1)..];
        }

        if (Router.TryUrlPathFor(childName, values, out var childPath))
        {
            path = prefix + childPath;
            return true;
        }

        return false;
    }
}
