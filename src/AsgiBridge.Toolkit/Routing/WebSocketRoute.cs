namespace AsgiBridge.Toolkit;

/// <summary>A WebSocket route: a path template and the application run for matching WebSocket connections.</summary>
public sealed class WebSocketRoute : AsgiRoute
{
    /// <summary>Creates the route.</summary>
    /// <param name="template">The path template, for example <c>/chat/{room}</c>.</param>
    /// <param name="app">The application run for matching connections.</param>
    /// <param name="name">The name for URL generation.</param>
    public WebSocketRoute(string template, AsgiApp app, string? name = null)
        : base(template, app, name)
    {
    }

    /// <inheritdoc />
    internal override RouteMatch Match(ConnectionScope scope, string routePath, out Dictionary<string, object?>? pathParams)
    {
        pathParams = null;
        if (scope is not WebSocketScope || !Matcher.TryMatch(routePath, out var values))
        {
            return RouteMatch.None;
        }

        pathParams = values;
        return RouteMatch.Full;
    }

    /// <inheritdoc />
    internal override bool TryGetPath(string name, IReadOnlyDictionary<string, object?> values, out string path)
    {
        path = string.Empty;
        return string.Equals(Name, name, StringComparison.Ordinal) && RoutePathBuilder.TryBuild(Matcher.Pattern, values, out path);
    }
}
