using Microsoft.AspNetCore.Routing.Patterns;

namespace AsgiBridge.Toolkit;

/// <summary>
/// Finds the routes of a router that can never run: a duplicate of an earlier route (same kind, same path shape, same
/// methods) or a route shadowed by an earlier one that matches every connection it would (a parameter before a literal,
/// a catch-all or a mount before anything below it). Templates it cannot compare for certain (optional parameters,
/// segments with several parts) are never reported.
/// </summary>
internal static class RouteDiagnostics
{
    /// <summary>Describes every route of <paramref name="routes"/> that an earlier one makes unreachable.</summary>
    /// <param name="routes">The routes, in matching order.</param>
    /// <param name="prefix">The prefix the routes are mounted at, for the messages.</param>
    /// <returns>One message per unreachable route.</returns>
    public static List<(bool Duplicate, string Message)> Find(IReadOnlyList<AsgiRoute> routes, string prefix)
    {
        var found = new List<(bool, string)>();
        for (var later = 1; later < routes.Count; later++)
        {
            for (var earlier = 0; earlier < later; earlier++)
            {
                var first = routes[earlier];
                var second = routes[later];
                if (!Covers(first, second))
                {
                    continue;
                }

                var duplicate = first.GetType() == second.GetType() && Covers(second, first);
                found.Add((duplicate, duplicate
                    ? $"duplicate route {Describe(second, prefix)}: {Describe(first, prefix)} was added before it with the same path and methods, so it never runs."
                    : $"route {Describe(second, prefix)} is shadowed by {Describe(first, prefix)}, added before it, which matches every connection it would, so it never runs."));
                break;
            }
        }

        return found;
    }

    private static string Describe(AsgiRoute route, string prefix) => route switch
    {
        HttpRoute { Methods: { } methods } => $"'{string.Join(",", methods.Where(m => m != "HEAD" || !methods.Contains("GET")))} {prefix}{route.Template}'",
        HttpRoute => $"'{prefix}{route.Template}' (all methods)",
        WebSocketRoute => $"'WebSocket {prefix}{route.Template}'",
        Mount mount => $"'mount {prefix}{mount.Prefix}'",
        _ => $"'{prefix}{route.Template}'",
    };

    private static bool Covers(AsgiRoute first, AsgiRoute second)
    {
        var kinds = (first, second) switch
        {
            (Mount, _) => true,
            (HttpRoute a, HttpRoute b) => a.Methods is null || (b.Methods is not null && b.Methods.All(a.Methods.Contains)),
            (WebSocketRoute, WebSocketRoute) => true,
            _ => false,
        };
        return kinds && PathCovers(first, second);
    }

    private static bool PathCovers(AsgiRoute first, AsgiRoute second)
    {
        var a = first.Pattern.PathSegments;
        var b = second.Pattern.PathSegments;
        for (var i = 0; ; i++)
        {
            if (i == a.Count)
            {
                // Without a catch-all a route matches only the trailing-slash form it was written with.
                return i == b.Count && RoutePathMatcher.HasTrailingSlash(first.Template) == RoutePathMatcher.HasTrailingSlash(second.Template);
            }

            if (a[i].Parts.Count != 1)
            {
                return false;
            }

            var part = a[i].Parts[0];
            if (part is RoutePatternParameterPart { IsCatchAll: true })
            {
                return true;
            }

            if (i == b.Count || b[i].Parts.Count != 1)
            {
                return false;
            }

            var other = b[i].Parts[0];
            var matches = (part, other) switch
            {
                (RoutePatternLiteralPart x, RoutePatternLiteralPart y) => string.Equals(x.Content, y.Content, StringComparison.OrdinalIgnoreCase),
                (RoutePatternParameterPart { IsOptional: false, ParameterPolicies.Count: 0, Default: null }, RoutePatternLiteralPart) => true,
                (RoutePatternParameterPart { IsOptional: false, Default: null } x, RoutePatternParameterPart { IsOptional: false, IsCatchAll: false, Default: null } y) =>
                    x.ParameterPolicies.Count == 0 || SamePolicies(x, y),
                _ => false,
            };
            if (!matches)
            {
                return false;
            }
        }
    }

    private static bool SamePolicies(RoutePatternParameterPart x, RoutePatternParameterPart y) =>
        x.ParameterPolicies.Select(p => p.Content).SequenceEqual(y.ParameterPolicies.Select(p => p.Content), StringComparer.OrdinalIgnoreCase);
}
