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

    /// <summary>
    /// Whether an upper-case letter in a response header name (in <c>http.response.start</c>, trailers, a WebSocket accept or
    /// denial) makes <c>send</c> raise (default <see langword="false"/>: the name is lower-cased, as uvicorn and hypercorn
    /// accept such names and HTTP/2 requires lower case on the wire). The specification asks applications for lower case.
    /// </summary>
    public bool RejectUppercaseResponseHeaderNames { get; set; }

    /// <summary>
    /// How many <c>send</c> calls of one connection may wait behind the one being written (default 256). Sends are
    /// serialised in call order, each completing when its event was written, so a client that does not read makes its
    /// senders wait; past this limit an HTTP <c>send</c> raises <see cref="AsgiProtocolException"/> and a WebSocket is closed
    /// with 1008 (its waiting sends raise <see cref="AsgiClientDisconnectedException"/>).
    /// </summary>
    public int SendQueueLimit { get; set; } = 256;

    /// <summary>How many bytes the waiting <c>send</c> calls of one connection may carry (default 16 MiB); past it, as <see cref="SendQueueLimit"/>.</summary>
    public long SendQueueByteLimit { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// How many values one request header may repeat (default 100, the limit asgiref adopted for CVE-2025-14550); a request
    /// with more gets 431 before the application runs.
    /// </summary>
    public int MaxRequestHeaderValues { get; set; } = 100;

    /// <summary>
    /// Who owns the memory of request body chunks (default <see cref="AsgiRequestBodyBuffers.Owned"/>: a new array per
    /// chunk, which the application may keep forever). <see cref="AsgiRequestBodyBuffers.Pooled"/> lends pooled buffers that
    /// are valid until the application returns, which saves one allocation of the body's size per request; choose it only
    /// when no application behind this bridge keeps a chunk past its own return without copying it.
    /// </summary>
    public AsgiRequestBodyBuffers RequestBodyBuffers { get; set; }

    /// <summary>
    /// How long a graceful shutdown waits for applications to finish after telling them the server is stopping (default
    /// 10 seconds); the connections still open then are cut, with one Warning line saying how many.
    /// </summary>
    public TimeSpan ShutdownDrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The close code open WebSockets get when the server stops (default 1012, service restart; 1001, going away, is the
    /// other usual choice). The application receives <c>websocket.disconnect</c> with it and the client a close frame.
    /// </summary>
    public int ShutdownWebSocketCloseCode { get; set; } = 1012;

    /// <summary>Lifespan protocol settings: mode (Auto, On, Off) and startup/shutdown timeouts.</summary>
    public AsgiLifespanOptions Lifespan { get; } = new();
}
