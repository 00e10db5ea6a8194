using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace AsgiBridge.Toolkit;

/// <summary>Options of <see cref="BearerAuthenticationMiddleware"/>.</summary>
public sealed class BearerAuthenticationOptions
{
    /// <summary>
    /// How to validate a JWT with <c>Microsoft.IdentityModel.JsonWebTokens</c> (signing keys, algorithms, issuer,
    /// audience, lifetime and clock skew); <see langword="null"/> to validate tokens only with <see cref="TokenValidator"/>.
    /// <see cref="Hs256(byte[], string, string)"/> builds parameters for HS256 tokens.
    /// </summary>
    public TokenValidationParameters? TokenValidationParameters { get; set; }

    /// <summary>
    /// A validator of your own: returns the principal for a valid token, or <see langword="null"/> for an invalid one.
    /// When set, it is used instead of <see cref="TokenValidationParameters"/>.
    /// </summary>
    public Func<string, AsgiScope, ValueTask<ClaimsPrincipal?>>? TokenValidator { get; set; }

    /// <summary>
    /// Whether the result of ASP.NET Core's own authentication counts: when the request's <c>HttpContext.User</c> is
    /// authenticated (by <c>UseAuthentication</c> before <c>UseAsgi</c>), that principal is used and no token is needed.
    /// Default <see langword="false"/>.
    /// </summary>
    public bool UseHostAuthentication { get; set; }

    /// <summary>
    /// Path prefixes where a valid principal is required. They are matched by the rules routing uses, so no spelling of a
    /// path reaches a route unprotected: relative to <c>root_path</c>, on whole segments, ignoring letter case, after
    /// dropping empty and <c>.</c> segments and resolving <c>..</c>. <c>/api</c> covers <c>/api</c>, <c>/API/x</c>,
    /// <c>/api/</c> and <c>//api/x</c>, not <c>/apiary</c>; <c>/</c> covers everything.
    /// <para>
    /// <b>No protected paths</b>: when this list is empty, <see cref="RequireAuthentication"/> is <see langword="null"/> and
    /// <see cref="AuthenticateOnly"/> is <see langword="false"/>, <em>every</em> path is protected (fail closed). This differs
    /// from the seed articles' <c>JWTAuthMiddleware</c>, whose empty <c>protected_paths</c> protects nothing; to protect
    /// nothing here and let routes decide, set <see cref="AuthenticateOnly"/>.
    /// </para>
    /// </summary>
    public IList<string> ProtectedPathPrefixes { get; } = new List<string>();

    /// <summary>
    /// Decides which connections require a principal; when set it replaces <see cref="ProtectedPathPrefixes"/>.
    /// On unprotected connections a valid token still sets <c>scope["user"]</c>, and a missing or invalid one is ignored.
    /// </summary>
    public Func<AsgiScope, bool>? RequireAuthentication { get; set; }

    /// <summary>
    /// When <see langword="true"/>, the middleware never refuses by itself: it puts the principal of a valid token into
    /// <c>scope["user"]</c> and lets routes and mounts marked with <c>RequireAuthentication()</c> (or a router marked as a
    /// whole) refuse the connections that have none, with this middleware's refusal (reason, body, close code). Protection
    /// then cannot drift from matching, since the route that matches is the one that decides. Default <see langword="false"/>.
    /// </summary>
    public bool AuthenticateOnly { get; set; }

    /// <summary>
    /// Builds the HTTP refusal from its reason (<c>Not authenticated</c>, <c>Invalid token</c>, <c>Token expired</c>);
    /// <see langword="null"/> (the default) sends 401 with <c>{"detail": reason}</c>. A <c>www-authenticate: Bearer</c>
    /// challenge is added when the response has none. For the seed articles' body:
    /// <c>reason =&gt; JsonResponse.FromUtf8("{\"error\": \"Unauthorized\"}"u8.ToArray(), 401)</c>.
    /// </summary>
    public Func<string, AsgiResponse>? UnauthorizedResponse { get; set; }

    /// <summary>
    /// The level at which each refusal is logged (event 80 <c>BearerRefused</c>, category
    /// <see cref="BearerAuthenticationMiddleware.LoggerCategory"/>, with the reason and, for a token that did not validate,
    /// the validation exception). Default <see cref="LogLevel.Information"/>, so the reason of a 401 shows with the usual
    /// logging configuration.
    /// </summary>
    public LogLevel RefusalLogLevel { get; set; } = LogLevel.Information;

    /// <summary>
    /// A query-string parameter that may carry the token when there is no <c>Authorization</c> header (browsers cannot
    /// set headers on a WebSocket); <see langword="null"/> (the default) to accept only the header.
    /// </summary>
    public string? QueryTokenParameter { get; set; }

    /// <summary>The WebSocket close code sent to refuse a connection (default 1008, policy violation).</summary>
    public int WebSocketCloseCode { get; set; } = 1008;

    /// <summary>
    /// Builds validation parameters for HS256-signed tokens: signature, issuer, audience and lifetime are all checked,
    /// with a clock skew of 30 seconds.
    /// </summary>
    /// <param name="key">The shared secret, at least 32 bytes.</param>
    /// <param name="issuer">The required <c>iss</c> claim.</param>
    /// <param name="audience">The required <c>aud</c> claim.</param>
    /// <returns>The parameters.</returns>
    public static TokenValidationParameters Hs256(byte[] key, string issuer, string audience)
    {
        ArgumentException.ThrowIfNullOrEmpty(issuer);
        ArgumentException.ThrowIfNullOrEmpty(audience);
        var parameters = Hs256Base(key);
        parameters.ValidIssuer = issuer;
        parameters.ValidAudience = audience;
        return parameters;
    }

    /// <summary>Refuses HS256 keys shorter than the hash (IdentityModel would refuse them later, with a vaguer message).</summary>
    /// <param name="key">The key.</param>
    /// <exception cref="ArgumentException">The key has fewer than 32 bytes.</exception>
    internal static void EnsureHs256Key(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 32)
        {
            throw new ArgumentException(
                $"An HS256 key must be at least 32 bytes (256 bits); this one has {key.Length}. Use a longer secret (for example 32 random bytes, base64-encoded).",
                nameof(key));
        }
    }

    private static TokenValidationParameters Hs256Base(byte[] key)
    {
        EnsureHs256Key(key);
        return new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(key),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>
    /// Builds validation parameters for a shared HS256 secret, as PyJWT's <c>jwt.decode(token, secret, algorithms=["HS256"])</c>
    /// checks a token: the signature and, when the token has them, its <c>exp</c> and <c>nbf</c> (30 seconds of clock
    /// skew). Issuer and audience are checked only when given. Other algorithms (<c>none</c> included) are refused.
    /// </summary>
    /// <param name="secret">The shared secret, at least 32 UTF-8 bytes (HS256 keys shorter than the hash are refused).</param>
    /// <param name="issuer">The required <c>iss</c> claim; <see langword="null"/> not to check it.</param>
    /// <param name="audience">The required <c>aud</c> claim; <see langword="null"/> not to check it.</param>
    /// <returns>The parameters.</returns>
    public static TokenValidationParameters SharedSecret(string secret, string? issuer = null, string? audience = null) =>
        SharedSecret(Encoding.UTF8.GetBytes(secret ?? throw new ArgumentNullException(nameof(secret))), issuer, audience);

    /// <summary>Builds validation parameters for a shared HS256 secret; see <see cref="SharedSecret(string, string?, string?)"/>.</summary>
    /// <param name="key">The shared secret, at least 32 bytes.</param>
    /// <param name="issuer">The required <c>iss</c> claim; <see langword="null"/> not to check it.</param>
    /// <param name="audience">The required <c>aud</c> claim; <see langword="null"/> not to check it.</param>
    /// <returns>The parameters.</returns>
    public static TokenValidationParameters SharedSecret(byte[] key, string? issuer = null, string? audience = null)
    {
        var parameters = Hs256Base(key);
        parameters.ValidIssuer = issuer;
        parameters.ValidateIssuer = issuer is not null;
        parameters.ValidAudience = audience;
        parameters.ValidateAudience = audience is not null;
        parameters.RequireExpirationTime = false;
        return parameters;
    }

    /// <summary>Builds validation parameters for HS256-signed tokens from a UTF-8 secret; see <see cref="Hs256(byte[], string, string)"/>.</summary>
    /// <param name="secret">The shared secret, at least 32 UTF-8 bytes.</param>
    /// <param name="issuer">The required <c>iss</c> claim.</param>
    /// <param name="audience">The required <c>aud</c> claim.</param>
    /// <returns>The parameters.</returns>
    public static TokenValidationParameters Hs256(string secret, string issuer, string audience) =>
        Hs256(Encoding.UTF8.GetBytes(secret ?? throw new ArgumentNullException(nameof(secret))), issuer, audience);
}
