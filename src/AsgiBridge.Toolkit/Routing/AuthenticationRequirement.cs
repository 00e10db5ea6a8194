using System.Security.Claims;

namespace AsgiBridge.Toolkit;

/// <summary>
/// What <c>RequireAuthentication()</c> on a route, a mount or a router checks: <c>scope["user"]</c> must hold an
/// authenticated <see cref="ClaimsPrincipal"/> (as the bearer middleware, with a JWT or with ASP.NET Core's own
/// authentication, puts there). A connection without one is refused by the refusal an authentication middleware left in
/// the scope (the bearer middleware's reason, body and close code), or else with 401 <c>Not authenticated</c> (HTTP) and
/// close 1008 before accept (WebSocket).
/// </summary>
internal static class AuthenticationRequirement
{
    /// <summary>The <see cref="AsgiScope.Items"/> key of the refusal application an authentication middleware leaves.</summary>
    public const string RefusalKey = "asgibridge.authentication_refusal";

    /// <summary>Whether the scope carries an authenticated user.</summary>
    /// <param name="scope">The connection scope.</param>
    /// <returns><see langword="true"/> when <c>scope["user"]</c> is an authenticated principal.</returns>
    public static bool IsMet(ConnectionScope scope) =>
        scope.Items.TryGetValue(BearerAuthenticationMiddleware.UserKey, out var user) && user is ClaimsPrincipal { Identity.IsAuthenticated: true };

    /// <summary>Refuses a connection that does not meet the requirement.</summary>
    /// <param name="scope">The connection scope.</param>
    /// <param name="receive">The receive callable.</param>
    /// <param name="send">The send callable.</param>
    /// <returns>A task that completes when the refusal is sent.</returns>
    public static Task RefuseAsync(ConnectionScope scope, AsgiReceive receive, AsgiSend send)
    {
        var refuse = scope.Items.TryGetValue(RefusalKey, out var value) && value is AsgiApp app ? app : BearerAuthenticationRefusal.NotAuthenticated.App;
        return refuse(scope, receive, send);
    }
}
