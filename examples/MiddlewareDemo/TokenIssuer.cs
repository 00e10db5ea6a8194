using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MiddlewareDemo;

/// <summary>Issues demo HS256 tokens, so the protected endpoints can be tried with curl.</summary>
/// <param name="settings">The signing settings.</param>
public sealed class TokenIssuer(DemoSettings settings)
{
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>Issues a token for a user.</summary>
    /// <param name="user">The <c>sub</c> claim.</param>
    /// <param name="lifetime">How long the token is valid.</param>
    /// <returns>The compact JWT.</returns>
    public string Issue(string user, TimeSpan lifetime)
    {
        var now = DateTime.UtcNow;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            Subject = new ClaimsIdentity([new Claim("sub", user), new Claim("scope", "demo")]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(settings.SigningKey), SecurityAlgorithms.HmacSha256),
        });
    }
}
