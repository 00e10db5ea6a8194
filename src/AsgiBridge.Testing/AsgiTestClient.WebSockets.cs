using AsgiBridge.Testing.WebSockets;

namespace AsgiBridge.Testing;

/// <summary>WebSocket sessions.</summary>
public sealed partial class AsgiTestClient
{
    /// <summary>
    /// Opens a WebSocket to the application, as a WebSocket client would: an HTTP/1.1 Upgrade request (an HTTP/2 extended
    /// CONNECT with <see cref="AsgiTestClientOptions.UseHttp2"/>) carrying the subprotocols, headers and cookies, handled by
    /// ASP.NET Core's WebSocket middleware and the bridge's WebSocket cycle. The application receives
    /// <c>websocket.connect</c> and must accept.
    /// </summary>
    /// <param name="path">The path (and optional query), relative to the base address.</param>
    /// <param name="options">Subprotocols and headers.</param>
    /// <param name="cancellationToken">Stops waiting for the handshake.</param>
    /// <returns>The accepted session.</returns>
    /// <exception cref="AsgiWebSocketDeniedException">
    /// The server answered with an HTTP response instead: 403 for <c>websocket.close</c> before accepting, the status and
    /// body of a denial response, 500 when the application failed before accepting (with
    /// <see cref="AsgiTestClientOptions.RaiseServerExceptions"/> off; on, its exception is thrown instead).
    /// </exception>
    /// <exception cref="TimeoutException">The application did not answer within <see cref="AsgiTestClientOptions.Timeout"/>.</exception>
    public async Task<AsgiWebSocketSession> ConnectWebSocketAsync(string path, AsgiWebSocketConnectOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var server = await GetServerAsync(cancellationToken).ConfigureAwait(false);
        var uri = new Uri(Options.BaseAddress, path);
        var cookie = Cookies?.GetCookieHeader(uri) is { Length: > 0 } header ? header : null;
        return await WebSocketHandshake.ConnectAsync(server, uri, options ?? new AsgiWebSocketConnectOptions(), cookie, Options, cancellationToken).ConfigureAwait(false);
    }
}
