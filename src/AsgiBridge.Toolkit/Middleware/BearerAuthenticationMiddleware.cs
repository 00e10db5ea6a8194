using System.Security.Claims;
using System.Text;
using AsgiBridge.Composition;
using AsgiBridge.Diagnostics;
using AsgiBridge.Hosting;
using AsgiBridge.Messages;
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
/// <c>scope["user"]</c> of a copy of the scope, so the caller's scope never changes. On a protected path a connection
/// without a valid principal is refused: HTTP with 401, a JSON body <c>{"detail": "…"}</c> and
/// <c>www-authenticate: Bearer</c>; WebSocket with <c>websocket.close</c> code 1008 before accept (which the server turns
/// into a refused handshake).
/// </summary>
public sealed class BearerAuthenticationMiddleware : IAsgiMiddleware
{
    /// <summary>The scope key that receives the validated <see cref="ClaimsPrincipal"/>.</summary>
    public const string UserKey = "user";

    /// <summary>The logger category used when the logger comes from an <see cref="ILoggerFactory"/>.</summary>
    public const string LoggerCategory = "AsgiBridge.BearerAuthentication";

    private static readonly Rejection s_missing = new("Not authenticated", "Bearer");
    private static readonly Rejection s_invalid = new("Invalid token", "Bearer error=\"invalid_token\"");
    private static readonly Rejection s_expired = new("Token expired", "Bearer error=\"invalid_token\", error_description=\"The token expired\"");

    private readonly BearerAuthenticationOptions _options;
    private readonly ILogger _logger;
    private readonly JsonWebTokenHandler? _jwt;
    private readonly string[] _prefixes;

    /// <summary>Creates the middleware.</summary>
    /// <param name="options">The options; <see cref="BearerAuthenticationOptions.TokenValidationParameters"/>,
    /// <see cref="BearerAuthenticationOptions.TokenValidator"/> or <see cref="BearerAuthenticationOptions.UseHostAuthentication"/> must be set.</param>
    /// <param name="logger">Where refusals are logged (Debug); optional.</param>
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
        _prefixes = [.. options.ProtectedPathPrefixes.Select(p => p.Length > 1 ? p.TrimEnd('/') : p)];
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
            return isProtected ? RejectAsync(connection, receive, send, s_missing) : nextApp(scope, receive, send);
        }

        return AuthenticateAsync(connection, receive, send, nextApp, isProtected, hostUser, token);
    }

    private async Task AuthenticateAsync(
        ConnectionScope scope, AsgiReceive receive, AsgiSend send, AsgiApp nextApp, bool isProtected, ClaimsPrincipal? user, string? token)
    {
        var rejection = s_invalid;
        if (user is null && token is not null)
        {
            (user, rejection) = await ValidateAsync(token, scope).ConfigureAwait(false);
        }

        if (user is not null)
        {
            var copy = scope.Copy();
            copy[UserKey] = user;
            await nextApp(copy, receive, send).ConfigureAwait(false);
        }
        else if (isProtected)
        {
            await RejectAsync(scope, receive, send, rejection).ConfigureAwait(false);
        }
        else
        {
            await nextApp(scope, receive, send).ConfigureAwait(false);
        }
    }

    private async ValueTask<(ClaimsPrincipal? User, Rejection Rejection)> ValidateAsync(string token, ConnectionScope scope)
    {
        if (_options.TokenValidator is { } validator)
        {
            var principal = await validator(token, scope).ConfigureAwait(false);
            return (principal, s_invalid);
        }

        if (_jwt is null)
        {
            return (null, s_invalid);
        }

        var result = await _jwt.ValidateTokenAsync(token, _options.TokenValidationParameters).ConfigureAwait(false);
        if (result.IsValid && result.ClaimsIdentity is { } identity)
        {
            return (new ClaimsPrincipal(identity), s_invalid);
        }

        ToolkitLog.BearerTokenInvalid(_logger, scope.Path, result.Exception);
        return (null, result.Exception is SecurityTokenExpiredException ? s_expired : s_invalid);
    }

    private ClaimsPrincipal? HostPrincipal(ConnectionScope scope) =>
        _options.UseHostAuthentication && scope.GetHttpContext()?.User is { Identity.IsAuthenticated: true } user ? user : null;

    private bool IsProtected(ConnectionScope scope)
    {
        if (_options.RequireAuthentication is { } predicate)
        {
            return predicate(scope);
        }

        if (_prefixes.Length == 0)
        {
            return true;
        }

        var path = RoutePath(scope);
        foreach (var prefix in _prefixes)
        {
            if (prefix == "/" || (path.StartsWith(prefix, StringComparison.Ordinal) && (path.Length == prefix.Length || path[prefix.Length] == '/')))
            {
                return true;
            }
        }

        return false;
    }

    private static string RoutePath(ConnectionScope scope)
    {
        var path = scope.Path;
        var root = scope.RootPath;
        return root.Length > 0 && path.StartsWith(root, StringComparison.Ordinal) ? path[root.Length..] : path;
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

    private async Task RejectAsync(ConnectionScope scope, AsgiReceive receive, AsgiSend send, Rejection rejection)
    {
        ToolkitLog.BearerAuthenticationRefused(_logger, scope.Type, scope.Path, rejection.Detail);
        if (scope is WebSocketScope)
        {
            // The first event of a WebSocket connection is websocket.connect; a close sent before accept refuses it.
            var first = await receive().ConfigureAwait(false);
            if (first is WebSocketConnect)
            {
                await send(new WebSocketClose(_options.WebSocketCloseCode, rejection.Detail)).ConfigureAwait(false);
            }

            return;
        }

        await send(rejection.Start).ConfigureAwait(false);
        await send(rejection.Body).ConfigureAwait(false);
    }

    private sealed class Rejection
    {
        public Rejection(string detail, string challenge)
        {
            Detail = detail;
            var json = Encoding.UTF8.GetBytes("{\"detail\":\"" + detail + "\"}");
            Start = new HttpResponseStart(401,
            [
                new("content-type", "application/json"),
                new("content-length", json.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("www-authenticate", challenge),
            ]);
            Body = new HttpResponseBody(json);
        }

        public string Detail { get; }

        public HttpResponseStart Start { get; }

        public HttpResponseBody Body { get; }
    }
}
