using System.Diagnostics.CodeAnalysis;
using AsgiBridge;
using AsgiBridge.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps ASGI applications onto endpoint routing.</summary>
public static class AsgiEndpointRouteBuilderExtensions
{
    private const string RestParameter = "__asgi_path";

    /// <summary>
    /// Mounts <paramref name="asgiApp"/> at <paramref name="prefix"/>: every request under the prefix (and the prefix
    /// itself) runs the application, with the matched prefix as the scope's <c>root_path</c> and the full path as
    /// <c>path</c>. The prefix may hold route parameters (<c>/tenants/{tenant}</c>) or end with a catch-all parameter.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="prefix">The route pattern of the mount point.</param>
    /// <param name="asgiApp">The ASGI application.</param>
    /// <returns>A builder to add conventions (authorization, CORS, rate limiting, …) to the endpoint.</returns>
    public static IEndpointConventionBuilder MapAsgi(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string prefix, AsgiApp asgiApp)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(asgiApp);

        var pattern = RoutePatternFactory.Parse(prefix);
        var catchAll = pattern.Parameters.FirstOrDefault(p => p.IsCatchAll);
        string restName;
        if (catchAll is null)
        {
            restName = RestParameter;
            pattern = RoutePatternFactory.Parse(prefix.TrimEnd('/') + "/{**" + RestParameter + "}");
        }
        else
        {
            restName = catchAll.Name;
        }

        var handler = MountedApp.Create(endpoints.ServiceProvider, asgiApp, context => MatchedPrefix(context, restName));
        return endpoints.Map(pattern, handler).WithDisplayName("ASGI " + prefix);
    }

    private static string MatchedPrefix(HttpContext context, string restName)
    {
        var request = context.Request;
        var pathBase = request.PathBase.Value ?? string.Empty;
        var path = request.Path.Value ?? string.Empty;
        var rest = request.RouteValues[restName] as string;
        if (!string.IsNullOrEmpty(rest) && path.EndsWith(rest, StringComparison.Ordinal))
        {
            path = path[..^rest.Length];
        }

        return pathBase + path.TrimEnd('/');
    }
}
