using System.Security.Claims;
using System.Text;
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
    /// Path prefixes (relative to <c>root_path</c>, matched on whole segments: <c>/api</c> covers <c>/api</c> and
    /// <c>/api/items</c>, not <c>/apix</c>) where a valid principal is required. When both this list is empty and
    /// <see cref="RequireAuthentication"/> is <see langword="null"/>, every path is protected.
    /// </summary>
    public IList<string> ProtectedPathPrefixes { get; } = new List<string>();

    /// <summary>
    /// Decides which connections require a principal; when set it replaces <see cref="ProtectedPathPrefixes"/>.
    /// On unprotected connections a valid token still sets <c>scope["user"]</c>, and a missing or invalid one is ignored.
    /// </summary>
    public Func<AsgiScope, bool>? RequireAuthentication { get; set; }

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
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(issuer);
        ArgumentException.ThrowIfNullOrEmpty(audience);
        if (key.Length < 32)
        {
            throw new ArgumentException("An HS256 key must be at least 32 bytes (256 bits).", nameof(key));
        }

        return new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(key),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidIssuer = issuer,
            ValidAudience = audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>Builds validation parameters for HS256-signed tokens from a UTF-8 secret; see <see cref="Hs256(byte[], string, string)"/>.</summary>
    /// <param name="secret">The shared secret, at least 32 UTF-8 bytes.</param>
    /// <param name="issuer">The required <c>iss</c> claim.</param>
    /// <param name="audience">The required <c>aud</c> claim.</param>
    /// <returns>The parameters.</returns>
    public static TokenValidationParameters Hs256(string secret, string issuer, string audience) =>
        Hs256(Encoding.UTF8.GetBytes(secret ?? throw new ArgumentNullException(nameof(secret))), issuer, audience);
}
