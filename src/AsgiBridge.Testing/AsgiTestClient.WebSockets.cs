using AsgiBridge.Testing.Http;
using AsgiBridge.Testing.WebSockets;

namespace AsgiBridge.Testing;

/// <summary>WebSocket sessions.</summary>
public sealed partial class AsgiTestClient
{
    /// <summary>
    /// Opens a WebSocket to the application: it receives <c>websocket.connect</c> and must accept. The scope is built as
    /// the bridge builds it (scheme <c>ws</c>, the handshake headers, <c>subprotocols</c>, the <c>websocket.http.response</c>
    /// extension, a shallow copy of the lifespan state).
    /// </summary>
    /// <param name="path">The path (and optional query), relative to the base address.</param>
    /// <param name="options">Subprotocols and headers.</param>
    /// <param name="cancellationToken">Stops waiting for the handshake.</param>
    /// <returns>The accepted session.</returns>
    /// <exception cref="AsgiWebSocketDeniedException">
    /// The application denied the handshake: 403 for <c>websocket.close</c> before accepting, the status and body of a
    /// denial response, or 500 when it failed before accepting (with <see cref="AsgiTestClientOptions.RaiseServerExceptions"/> off).
    /// </exception>
    public async Task<AsgiWebSocketSession> ConnectWebSocketAsync(string path, AsgiWebSocketConnectOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new AsgiWebSocketConnectOptions();
        var uri = new Uri(Options.BaseAddress, path);
        var headers = options.Headers.Select(static h => new KeyValuePair<string, string>(h.Name, h.Value));
        if (Cookies?.GetCookieHeader(uri) is { Length: > 0 } cookie)
        {
            headers = headers.Append(new("cookie", cookie));
        }

        var state = State is { } lifespanState ? new Dictionary<string, object?>(lifespanState, StringComparer.Ordinal) : null;
        var scope = TestScopeFactory.CreateWebSocket(uri, [.. options.Subprotocols], headers, Options, state);
        var exchange = new WebSocketExchange(_app, scope, Options);
        var accept = await exchange.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return new AsgiWebSocketSession(exchange, accept, Options.Timeout);
    }
}
