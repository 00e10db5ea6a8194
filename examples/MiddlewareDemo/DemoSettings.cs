using System.Text;

namespace MiddlewareDemo;

/// <summary>The demo's settings, from configuration section <c>MiddlewareDemo</c>.</summary>
/// <param name="SigningKey">The HS256 secret (at least 32 bytes).</param>
/// <param name="Issuer">The token issuer.</param>
/// <param name="Audience">The token audience.</param>
/// <param name="EmailDelay">How long "sending" a welcome email takes.</param>
public sealed record DemoSettings(byte[] SigningKey, string Issuer, string Audience, TimeSpan EmailDelay)
{
    /// <summary>The development signing key used when none is configured. Never use a key from source code in production.</summary>
    public const string DevelopmentKey = "middleware-demo-development-key-change-me-0123456789";

    /// <summary>Reads the settings.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <returns>The settings.</returns>
    public static DemoSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("MiddlewareDemo");
        return new DemoSettings(
            Encoding.UTF8.GetBytes(section["SigningKey"] ?? DevelopmentKey),
            section["Issuer"] ?? "middleware-demo",
            section["Audience"] ?? "middleware-demo",
            TimeSpan.FromMilliseconds(section.GetValue("EmailDelayMilliseconds", 500)));
    }
}
