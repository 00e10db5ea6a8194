using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AsgiBridge.Toolkit;

/// <summary>
/// Issues HS256 tokens that <see cref="BearerAuthenticationOptions.SharedSecret(string, string?, string?)"/> accepts, as
/// PyJWT's <c>jwt.encode(payload, secret, algorithm="HS256")</c> does: for tests, demos and small services that share a
/// secret. Services with an identity provider validate its tokens and never issue their own.
/// </summary>
public static class BearerAuthenticationTokens
{
    private static readonly JsonWebTokenHandler s_handler = new();

    /// <summary>Issues a token.</summary>
    /// <param name="secret">The shared secret, at least 32 UTF-8 bytes.</param>
    /// <param name="subject">The <c>sub</c> claim.</param>
    /// <param name="lifetime">How long the token is valid (<c>exp</c>); default one hour.</param>
    /// <param name="claims">More claims (for example <c>new Claim("scope", "read")</c>).</param>
    /// <param name="issuer">The <c>iss</c> claim, if any.</param>
    /// <param name="audience">The <c>aud</c> claim, if any.</param>
    /// <returns>The compact JWT.</returns>
    public static string CreateHs256(string secret, string subject, TimeSpan? lifetime = null, IEnumerable<Claim>? claims = null,
        string? issuer = null, string? audience = null) =>
        CreateHs256(Encoding.UTF8.GetBytes(secret ?? throw new ArgumentNullException(nameof(secret))), subject, lifetime, claims, issuer, audience);

    /// <summary>Issues a token; see <see cref="CreateHs256(string, string, TimeSpan?, IEnumerable{Claim}?, string?, string?)"/>.</summary>
    /// <param name="key">The shared secret, at least 32 bytes.</param>
    /// <param name="subject">The <c>sub</c> claim.</param>
    /// <param name="lifetime">How long the token is valid (<c>exp</c>); default one hour. A negative lifetime issues an expired token.</param>
    /// <param name="claims">More claims.</param>
    /// <param name="issuer">The <c>iss</c> claim, if any.</param>
    /// <param name="audience">The <c>aud</c> claim, if any.</param>
    /// <returns>The compact JWT.</returns>
    public static string CreateHs256(byte[] key, string subject, TimeSpan? lifetime = null, IEnumerable<Claim>? claims = null,
        string? issuer = null, string? audience = null)
    {
        BearerAuthenticationOptions.EnsureHs256Key(key);
        ArgumentException.ThrowIfNullOrEmpty(subject);

        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromHours(1));

        // An expired token must still have nbf/iat before exp, or the handler refuses to write it.
        var issuedAt = expires <= now ? expires - TimeSpan.FromMinutes(1) : now;
        var identity = new ClaimsIdentity([new Claim("sub", subject)]);
        if (claims is not null)
        {
            identity.AddClaims(claims);
        }

        return s_handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = identity,
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = expires,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
    }
}
