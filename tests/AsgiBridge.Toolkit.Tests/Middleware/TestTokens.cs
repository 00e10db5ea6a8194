using System.Security.Claims;
using System.Text;
using AsgiBridge.Toolkit;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AsgiBridge.Toolkit.Tests.Middleware;

/// <summary>Creates HS256 tokens for the authentication tests.</summary>
public static class TestTokens
{
    public const string Issuer = "asgibridge-tests";
    public const string Audience = "asgibridge-api";
    public static readonly byte[] Key = Encoding.UTF8.GetBytes("a-test-signing-key-that-is-long-enough-for-hs256");
    public static readonly byte[] OtherKey = Encoding.UTF8.GetBytes("another-key-that-is-also-long-enough-for-hs256!!");

    public static BearerAuthenticationOptions Options(params string[] protectedPrefixes)
    {
        var options = new BearerAuthenticationOptions { TokenValidationParameters = BearerAuthenticationOptions.Hs256(Key, Issuer, Audience) };
        foreach (var prefix in protectedPrefixes)
        {
            options.ProtectedPathPrefixes.Add(prefix);
        }

        return options;
    }

    public static string Create(
        string subject = "alice", byte[]? key = null, string issuer = Issuer, string audience = Audience, TimeSpan? expiresIn = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (expiresIn ?? TimeSpan.FromMinutes(5));
        var notBefore = expires < now ? expires - TimeSpan.FromMinutes(10) : now;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? Key), SecurityAlgorithms.HmacSha256),
        });
    }

    public static AsgiHeader Bearer(string token) => new("authorization", "Bearer " + token);
}
