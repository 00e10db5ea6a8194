using Microsoft.AspNetCore.Http;

namespace AsgiBridge.Hosting;

/// <summary>The ASP.NET Core escape hatch of the scopes the bridge builds.</summary>
public static class AsgiScopeHttpContextExtensions
{
    /// <summary>
    /// Returns the ASP.NET Core request a scope was built from, while its connection is open: for authentication results,
    /// features or services the ASGI model has no key for. <see langword="null"/> for scopes built by hand, for the lifespan
    /// scope, and once the connection has ended (the context is then reused by the server).
    /// </summary>
    /// <param name="scope">The scope.</param>
    /// <returns>The request, or <see langword="null"/>.</returns>
    public static HttpContext? GetHttpContext(this AsgiScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return (scope as ConnectionScope)?.Connection?.Transport as HttpContext;
    }
}
