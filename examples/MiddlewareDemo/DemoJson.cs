using System.Text.Json;
using System.Text.Json.Serialization;

namespace MiddlewareDemo;

/// <summary>The body of <c>POST /signup</c>.</summary>
/// <param name="Email">The new user's email address.</param>
public sealed record SignupRequest(string? Email);

/// <summary>The answer of <c>POST /signup</c>.</summary>
/// <param name="Status">Always <c>scheduled</c>: the welcome email goes out after the response.</param>
/// <param name="Email">The address.</param>
public sealed record SignupResponse(string Status, string Email);

/// <summary>The answer of <c>POST /token</c>.</summary>
/// <param name="AccessToken">The JWT.</param>
/// <param name="TokenType">Always <c>bearer</c>.</param>
/// <param name="ExpiresIn">Lifetime in seconds.</param>
public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);

/// <summary>The answer of <c>GET /api/me</c>.</summary>
/// <param name="User">The <c>sub</c> claim.</param>
/// <param name="Claims">Every claim, by type.</param>
public sealed record MeResponse(string? User, Dictionary<string, string> Claims);

/// <summary>An error answer, in the shape the authentication middleware uses.</summary>
/// <param name="Detail">What went wrong.</param>
public sealed record ErrorResponse(string Detail);

/// <summary>Source-generated JSON metadata for the demo's bodies.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SignupRequest))]
[JsonSerializable(typeof(SignupResponse))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(MeResponse))]
[JsonSerializable(typeof(ErrorResponse))]
public sealed partial class DemoJson : JsonSerializerContext;
