using AsgiBridge.Lifespan;

namespace AsgiBridge.Hosting;

/// <summary>Options of the ASGI bridge, registered with <c>services.AddAsgi(options =&gt; …)</c>.</summary>
public sealed class AsgiOptions
{
    /// <summary>
    /// Whether the bridge runs ASP.NET Core's WebSocket middleware itself, for <c>UseAsgi</c> and <c>MapAsgi</c> alike
    /// (default <see langword="true"/>); it runs only for requests that can be upgrades. When off, WebSocket requests
    /// reach the application only if the pipeline calls <c>UseWebSockets</c> before it.
    /// </summary>
    public bool EnableWebSockets { get; set; } = true;

    /// <summary>
    /// The body of the 500 response the bridge sends when the application fails before the response started
    /// (default <c>Internal Server Error</c>, as uvicorn sends).
    /// </summary>
    public string InternalServerErrorBody { get; set; } = "Internal Server Error";

    /// <summary>
    /// The largest WebSocket message, in bytes, the bridge reassembles for <c>websocket.receive</c> (default 16 MiB,
    /// as uvicorn). A bigger message closes the connection with code 1009 (message too big); the bridge never buffers
    /// more than this limit plus one byte.
    /// </summary>
    public int MaxWebSocketMessageSize { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// How often the server sends keep-alive pings on WebSockets; <see langword="null"/> (the default) keeps ASP.NET
    /// Core's <c>WebSocketOptions.KeepAliveInterval</c>; <see cref="TimeSpan.Zero"/> disables pings.
    /// </summary>
    public TimeSpan? WebSocketKeepAliveInterval { get; set; }

    /// <summary>
    /// How long the server waits for the pong of a keep-alive ping before aborting the connection;
    /// <see langword="null"/> (the default) keeps ASP.NET Core's <c>WebSocketOptions.KeepAliveTimeout</c> (no timeout).
    /// </summary>
    public TimeSpan? WebSocketKeepAliveTimeout { get; set; }

    /// <summary>
    /// The origins (for example <c>https://example.com</c>) allowed to open WebSockets, compared case-insensitively with
    /// the request's <c>Origin</c> header. Empty (the default) allows every origin. A request from another origin gets
    /// HTTP 403 before the application runs.
    /// </summary>
    public IList<string> WebSocketAllowedOrigins { get; } = new List<string>();

    /// <summary>
    /// Whether to negotiate permessage-deflate compression when the client offers it (default <see langword="false"/>).
    /// Compressing data that mixes secrets with attacker-controlled text exposes it to CRIME/BREACH-style attacks,
    /// which is why ASP.NET Core names the switch <c>DangerousEnableCompression</c>.
    /// </summary>
    public bool EnableWebSocketCompression { get; set; }

    /// <summary>
    /// How long the bridge waits for the client's close frame after it sent its own before aborting the connection
    /// (default 5 seconds).
    /// </summary>
    public TimeSpan WebSocketCloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Lifespan protocol settings: mode (Auto, On, Off) and startup/shutdown timeouts.</summary>
    public AsgiLifespanOptions Lifespan { get; } = new();
}
