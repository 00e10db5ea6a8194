namespace AsgiBridge;

/// <summary>The value of the <c>asgi</c> scope key: the ASGI version and the version of the protocol specification.</summary>
/// <param name="Version">The ASGI core version, <c>"3.0"</c> for this server.</param>
/// <param name="SpecVersion">The version of the sub-protocol specification (HTTP/WebSocket or lifespan) the server implements.</param>
public sealed record AsgiVersion(string Version, string SpecVersion)
{
    /// <summary>ASGI 3.0 with HTTP/WebSocket specification 2.5.</summary>
    public static AsgiVersion Www { get; } = new("3.0", "2.5");

    /// <summary>ASGI 3.0 with lifespan specification 2.0.</summary>
    public static AsgiVersion Lifespan { get; } = new("3.0", "2.0");
}
