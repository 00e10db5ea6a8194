using AsgiBridge;
using AsgiBridge.Hosting;

namespace Microsoft.AspNetCore.Http;

/// <summary>ASGI views of an ASP.NET Core request.</summary>
public static class AsgiHttpContextExtensions
{
    /// <summary>
    /// Returns how the ASGI application that served this request ended, once it has finished; <see langword="null"/> while
    /// it runs and for requests no ASGI application served.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <returns>The outcome, or <see langword="null"/>.</returns>
    public static AsgiConnectionOutcome? GetAsgiOutcome(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<AsgiConnectionOutcome>();
    }
}
