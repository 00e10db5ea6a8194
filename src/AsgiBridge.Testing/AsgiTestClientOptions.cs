using AsgiBridge.Hosting;
using AsgiBridge.Lifespan;
using Microsoft.AspNetCore.Builder;

namespace AsgiBridge.Testing;

/// <summary>
/// Options of an <see cref="AsgiTestClient"/>. Where the client owns the host, they map onto the bridge's own settings:
/// the defaults serve an HTTP/1.1 request to <c>http://testserver/</c> from <c>testclient:50000</c>, as starlette's
/// TestClient does.
/// </summary>
public sealed class AsgiTestClientOptions
{
    /// <summary>
    /// The address relative request URIs resolve against (default <c>http://testserver/</c>): its scheme becomes the scope's
    /// <c>scheme</c>, its host the <c>host</c> header and, when the client owns the host, its host and port the scope's
    /// <c>server</c> key (<c>["testserver", 80]</c>).
    /// </summary>
    public Uri BaseAddress { get; set; } = new("http://testserver/");

    /// <summary>
    /// Mounts the application under this prefix (default empty), as <c>app.Map(prefix, b =&gt; b.UseAsgi(app))</c> does on
    /// a server: a request under the prefix gets it as <c>root_path</c> (and <c>path</c> keeps the full path); a request
    /// elsewhere gets ASP.NET Core's 404, as it would on the server.
    /// </summary>
    public string RootPath { get; set; } = string.Empty;

    /// <summary>
    /// The scope's <c>client</c> key (default <c>["testclient", 50000]</c>); <see langword="null"/> for none. Set by the
    /// client's pass-through application, so it applies when the client owns the host.
    /// </summary>
    public AsgiAddress? Client { get; set; } = new("testclient", 50000);

    /// <summary>
    /// Sends every request as HTTP/2 (default <see langword="false"/>: HTTP/1.1): the server sees an HTTP/2 request, so the
    /// scope has <c>http_version</c> <c>"2"</c>, the bridge advertises <c>http.response.trailers</c>, cuts responses off
    /// with a stream reset, and WebSockets use extended CONNECT (RFC 8441).
    /// </summary>
    public bool UseHttp2 { get; set; }

    /// <summary>
    /// Whether a failure the bridge recorded for a connection (what the application raised, or a protocol rule it broke,
    /// even one it caught) is re-thrown into the test once the application has finished (default <see langword="true"/>):
    /// when the body has been read to its end, when a WebSocket receive meets the close, when a WebSocket is closed or a
    /// handshake denied. When <see langword="false"/>, the test sees exactly what a client of Kestrel sees: a 500, a body
    /// cut off (an <see cref="IOException"/> while reading), a close with 1011.
    /// </summary>
    public bool RaiseServerExceptions { get; set; } = true;

    /// <summary>Whether the client keeps cookies across requests and WebSocket handshakes (default <see langword="true"/>).</summary>
    public bool UseCookies { get; set; } = true;

    /// <summary>
    /// How <see cref="AsgiTestClient.StartAsync(AsgiApp, AsgiTestClientOptions?, CancellationToken)"/> runs lifespan
    /// (default <see cref="LifespanMode.Auto"/>): the bridge's <see cref="AsgiLifespanOptions.Mode"/>. A client made with the
    /// constructor runs no lifespan.
    /// </summary>
    public LifespanMode Lifespan { get; set; } = LifespanMode.Auto;

    /// <summary>
    /// How long the client waits where a test would otherwise hang (default 10 seconds): lifespan startup and shutdown
    /// (the bridge's <see cref="AsgiLifespanOptions.StartupTimeout"/> and <see cref="AsgiLifespanOptions.ShutdownTimeout"/>),
    /// WebSocket handshakes and receives, and the application finishing after its response or WebSocket ended.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Adjusts the bridge's <see cref="AsgiOptions"/> (500 body, WebSocket limits, …) after the client's own settings.</summary>
    public Action<AsgiOptions>? ConfigureBridge { get; set; }

    /// <summary>
    /// Adds ASP.NET Core middleware in front of the application (authentication, headers, …), after the client's own
    /// bookkeeping and before <c>UseAsgi</c>.
    /// </summary>
    public Action<IApplicationBuilder>? ConfigureApp { get; set; }
}
