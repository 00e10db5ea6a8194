using AsgiBridge.Hosting;
using AsgiBridge.Lifespan;

namespace AsgiBridge.Testing;

/// <summary>
/// Options of an <see cref="AsgiTestClient"/>. The defaults build the same scopes the bridge builds for an HTTP/1.1
/// request to <c>http://testserver/</c> from <c>testclient:50000</c>.
/// </summary>
public sealed class AsgiTestClientOptions
{
    /// <summary>
    /// The address relative request URIs resolve against (default <c>http://testserver/</c>). Its host and port become
    /// the scope's <c>server</c> key (<c>["testserver", 80]</c>) and its scheme the <c>scheme</c> key.
    /// </summary>
    public Uri BaseAddress { get; set; } = new("http://testserver/");

    /// <summary>
    /// The scope's <c>root_path</c> (default empty), as <c>MapAsgi("/prefix", …)</c> would set it. A request path that
    /// does not start with it gets it prepended, so <c>path</c> always contains <c>root_path</c>, as on the server.
    /// </summary>
    public string RootPath { get; set; } = string.Empty;

    /// <summary>The scope's <c>client</c> key (default <c>["testclient", 50000]</c>); <see langword="null"/> for none.</summary>
    public AsgiAddress? Client { get; set; } = new("testclient", 50000);

    /// <summary>
    /// Simulates HTTP/2 (default <see langword="false"/>: HTTP/1.1): <c>http_version</c> is <c>"2"</c> and the
    /// <c>http.response.trailers</c> extension is advertised. Over HTTP/1.1 it is not, as on Kestrel, which cannot
    /// send HTTP/1.1 trailers.
    /// </summary>
    public bool UseHttp2 { get; set; }

    /// <summary>
    /// Whether an exception the application raises (including a protocol violation raised by <c>send</c>) is
    /// re-thrown into the test (default <see langword="true"/>). When <see langword="false"/>, the client answers as
    /// the server would: a 500 before the response started, an aborted response (an <see cref="IOException"/> while
    /// reading the body) after it started, close code 1011 on a WebSocket.
    /// </summary>
    public bool RaiseServerExceptions { get; set; } = true;

    /// <summary>The body of the 500 response (default <c>Internal Server Error</c>, as <see cref="AsgiOptions"/>).</summary>
    public string InternalServerErrorBody { get; set; } = new AsgiOptions().InternalServerErrorBody;

    /// <summary>Whether the client keeps cookies across requests (default <see langword="true"/>).</summary>
    public bool UseCookies { get; set; } = true;

    /// <summary>How <see cref="AsgiTestClient.StartAsync"/> runs lifespan (default <see cref="LifespanMode.Auto"/>).</summary>
    public LifespanMode Lifespan { get; set; } = LifespanMode.Auto;

    /// <summary>
    /// How long the client waits for the application where a test would otherwise hang: lifespan events, WebSocket
    /// handshakes and receives, and the application finishing after a close (default 10 seconds).
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
