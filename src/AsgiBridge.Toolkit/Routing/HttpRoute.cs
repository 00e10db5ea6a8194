using System.Collections.Frozen;

namespace AsgiBridge.Toolkit;

/// <summary>An HTTP route: a path template, the methods it accepts (all when none are given) and the application it runs.</summary>
public sealed class HttpRoute : AsgiRoute
{
    private readonly FrozenSet<string>? _methods;

    /// <summary>Creates the route.</summary>
    /// <param name="template">The path template, for example <c>/users/{id:int}</c>.</param>
    /// <param name="app">The application run for matching requests.</param>
    /// <param name="methods">The accepted methods; <see langword="null"/> accepts all. <c>GET</c> implies <c>HEAD</c>.</param>
    /// <param name="name">The name for URL generation.</param>
    public HttpRoute(string template, AsgiApp app, IEnumerable<string>? methods = null, string? name = null)
        : base(template, app, name)
    {
        if (methods is not null)
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var method in methods)
            {
                set.Add(method.ToUpperInvariant());
            }

            if (set.Contains("GET"))
            {
                set.Add("HEAD");
            }

            _methods = set.ToFrozenSet(StringComparer.Ordinal);
            Methods = [.. set.Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>The accepted methods in alphabetical order, or <see langword="null"/> when every method is accepted.</summary>
    public IReadOnlyList<string>? Methods { get; }

    /// <inheritdoc />
    internal override RouteMatch Match(ConnectionScope scope, string routePath, out Dictionary<string, object?>? pathParams)
    {
        pathParams = null;
        if (scope is not HttpScope http || !Matcher.TryMatch(routePath, out var values))
        {
            return RouteMatch.None;
        }

        pathParams = values;
        return _methods is null || _methods.Contains(http.Method) ? RouteMatch.Full : RouteMatch.Partial;
    }

    /// <inheritdoc />
    internal override bool TryGetPath(string name, IReadOnlyDictionary<string, object?> values, out string path)
    {
        path = string.Empty;
        return string.Equals(Name, name, StringComparison.Ordinal) && RoutePathBuilder.TryBuild(Matcher.Pattern, values, out path);
    }
}
