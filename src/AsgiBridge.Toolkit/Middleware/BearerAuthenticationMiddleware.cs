using System.Security.Claims;
using System.Text;
using AsgiBridge.Composition;
using AsgiBridge.Diagnostics;
using AsgiBridge.Hosting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AsgiBridge.Toolkit;

/// <summary>
/// Authenticates HTTP and WebSocket connections with a bearer token (the <c>Authorization: Bearer …</c> header, or a
/// query parameter when <see cref="BearerAuthenticationOptions.QueryTokenParameter"/> is set), validated as a JWT with
/// <see cref="BearerAuthenticationOptions.TokenValidationParameters"/> or by <see cref="BearerAuthenticationOptions.TokenValidator"/>;
/// optionally ASP.NET Core's own authentication result (<c>HttpContext.User</c>) counts too. The principal goes into
/// <c>scope["user"]</c> of a copy of the scope, so the caller's scope never changes. On a protected path (decided by the
/// rules routing uses: whole segments, any letter case, normalised) a connection without a valid principal is refused:
/// HTTP with 401, a JSON body <c>{"detail": "…"}</c> and <c>www-authenticate: Bearer</c>; WebSocket with
/// <c>websocket.close</c> code 1008 before accept (which the server turns into a refused handshake). On other paths the
/// refusal travels in the scope, for routes and mounts marked with <c>RequireAuthentication()</c>.
/// </summary>
public sealed class BearerAuthenticationMiddleware : IAsgiMiddleware
{
    /// <summary>The scope key that receives the validated <see cref="ClaimsPrincipal"/>.</summary>
    public const string UserKey = "user";

    /// <summary>The logger category used when the logger comes from an <see cref="ILoggerFactory"/>.</summary>
    public const string LoggerCategory = "AsgiBridge.BearerAuthentication";

    private readonly BearerAuthenticationOptions _options;
    private readonly ILogger _logger;
    private readonly JsonWebTokenHandler? _jwt;
    private readonly string[][] _prefixes;
    private readonly BearerAuthenticationRefusal _missing;
    private readonly BearerAuthenticationRefusal _invalid;
    private readonly BearerAuthenticationRefusal _expired;

    /// <summary>Creates the middleware.</summary>
    /// <param name="options">The options; <see cref="BearerAuthenticationOptions.TokenValidationParameters"/>,
    /// <see cref="BearerAuthenticationOptions.TokenValidator"/> or <see cref="BearerAuthenticationOptions.UseHostAuthentication"/> must be set.</param>
    /// <param name="logger">Where refusals are logged (at <see cref="BearerAuthenticationOptions.RefusalLogLevel"/>); optional.</param>
    /// <exception cref="ArgumentException">No way to authenticate is configured.</exception>
    public BearerAuthenticationMiddleware(BearerAuthenticationOptions options, ILogger? logger = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.TokenValidationParameters is null && options.TokenValidator is null && !options.UseHostAuthentication)
        {
            throw new ArgumentException(
                "Bearer authentication needs TokenValidationParameters, a TokenValidator or UseHostAuthentication.", nameof(options));
        }

        _logger = logger ?? NullLogger.Instance;
        _jwt = options.TokenValidator is null && options.TokenValidationParameters is not null ? new JsonWebTokenHandler() : null;
        _prefixes = [.. options.ProtectedPathPrefixes.Select(p => PathSegments.Normalize(p).ToArray())];
        _missing = new(BearerAuthenticationRefusal.Reasons.Missing, "Bearer", options, _logger);
        _invalid = new(BearerAuthenticationRefusal.Reasons.Invalid, "Bearer error=\"invalid_token\"", options, _logger);
        _expired = new(BearerAuthenticationRefusal.Reasons.Expired, "Bearer error=\"invalid_token\", error_description=\"The token expired\"", options, _logger);
    }

    /// <inheritdoc />
    public Task InvokeAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send, AsgiApp nextApp)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(nextApp);
        if (scope is not ConnectionScope connection)
        {
            return nextApp(scope, receive, send);
        }

        var isProtected = IsProtected(connection);
        var hostUser = HostPrincipal(connection);
        var token = hostUser is null ? ReadToken(connection) : null;
        if (hostUser is null && token is null)
        {
            return isProtected ? _missing.RefuseAsync(connection, receive, send, cause: null) : PassUnauthenticated(connection, receive, send, nextApp, _missing);
        }

        return AuthenticateAsync(connection, receive, send, nextApp, isProtected, hostUser, token);
    }

    private async Task AuthenticateAsync(
        ConnectionScope scope, AsgiReceive receive, AsgiSend send, AsgiApp nextApp, bool isProtected, ClaimsPrincipal? user, string? token)
    {
        var refusal = _invalid;
        Exception? cause = null;
        if (user is null && token is not null)
        {
            (user, refusal, cause) = await ValidateAsync(token, scope).ConfigureAwait(false);
        }

        if (user is not null)
        {
            var copy = scope.Copy();
            copy[UserKey] = user;
            await nextApp(copy, receive, send).ConfigureAwait(false);
        }
        else if (isProtected)
        {
            await refusal.RefuseAsync(scope, receive, send, cause).ConfigureAwait(false);
        }
        else
        {
            ToolkitLog.BearerTokenIgnored(_logger, scope.Path, refusal.Reason, cause);
            await PassUnauthenticated(scope, receive, send, nextApp, refusal).ConfigureAwait(false);
        }
    }

    /// <summary>Runs the next application without a user; a route that requires one refuses with this middleware's refusal.</summary>
    private static Task PassUnauthenticated(ConnectionScope scope, AsgiReceive receive, AsgiSend send, AsgiApp nextApp, BearerAuthenticationRefusal refusal)
    {
        var copy = scope.Copy();
        copy.Items[AuthenticationRequirement.RefusalKey] = refusal.App;
        return nextApp(copy, receive, send);
    }

    private async ValueTask<(ClaimsPrincipal? User, BearerAuthenticationRefusal Refusal, Exception? Cause)> ValidateAsync(string token, ConnectionScope scope)
    {
        if (_options.TokenValidator is { } validator)
        {
            var principal = await validator(token, scope).ConfigureAwait(false);
            return (principal, _invalid, null);
        }

        if (_jwt is null)
        {
            return (null, _invalid, null);
        }

        var result = await _jwt.ValidateTokenAsync(token, _options.TokenValidationParameters).ConfigureAwait(false);
        if (result.IsValid && result.ClaimsIdentity is { } identity)
        {
            return (new ClaimsPrincipal(identity), _invalid, null);
        }

        return (null, result.Exception is SecurityTokenExpiredException ? _expired : _invalid, result.Exception);
    }

    private ClaimsPrincipal? HostPrincipal(ConnectionScope scope) =>
        _options.UseHostAuthentication && scope.GetHttpContext()?.User is { Identity.IsAuthenticated: true } user ? user : null;

    private bool IsProtected(ConnectionScope scope)
    {
        if (_options.AuthenticateOnly)
        {
            return false;
        }

        if (_options.RequireAuthentication is { } predicate)
        {
            return predicate(scope);
        }

        if (_prefixes.Length == 0)
        {
            return true;
        }

        // The router matches literals ignoring case, so protection must too: /API/me is /api/me to the router.
        foreach (var prefix in _prefixes)
        {
            if (PathSegments.IsUnder(scope, prefix))
            {
                return true;
            }
        }

        return false;
    }

    private string? ReadToken(ConnectionScope scope)
    {
        foreach (var (name, value) in scope.Headers)
        {
            if (name == "authorization")
            {
                var trimmed = value.AsSpan().Trim();
                if (trimmed.Length > 7 && trimmed.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                {
                    var token = trimmed[7..].Trim();
                    return token.IsEmpty ? null : token.ToString();
                }

                break;
            }
        }

        if (_options.QueryTokenParameter is { } parameter && !scope.QueryString.IsEmpty)
        {
            var query = QueryHelpers.ParseNullableQuery(Encoding.Latin1.GetString(scope.QueryString.Span));
            if (query is not null && query.TryGetValue(parameter, out var values) && !string.IsNullOrEmpty(values[0]))
            {
                return values[0];
            }
        }

        return null;
    }
}
