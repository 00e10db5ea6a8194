using System.Net.WebSockets;
using System.Runtime.ExceptionServices;
using AsgiBridge.Hosting;
using System.Security.Cryptography;
using AsgiBridge.Testing.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;

namespace AsgiBridge.Testing.WebSockets;

/// <summary>
/// The client side of an in-process WebSocket handshake: the request a WebSocket client sends (HTTP/1.1 Upgrade, or
/// HTTP/2 extended CONNECT with <see cref="AsgiTestClientOptions.UseHttp2"/>) goes through
/// <see cref="TestServer.SendAsync(Action{HttpContext}, CancellationToken)"/> to the real pipeline; the server's answer
/// is either the switch to the WebSocket (then a client <see cref="WebSocket"/> is put on the in-memory connection) or
/// an ordinary HTTP response (a denial: status, headers and body are all readable).
/// </summary>
internal static class WebSocketHandshake
{
    public static async Task<AsgiWebSocketSession> ConnectAsync(TestServer server, Uri uri, AsgiWebSocketConnectOptions connect, string? cookie,
        AsgiTestClientOptions options, CancellationToken cancellationToken)
    {
        var http2 = options.UseHttp2;
        var connection = new InMemoryConnection();
        var slot = new ConnectionSlot();
        InMemoryUpgrade? upgrade = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.Timeout != Timeout.InfiniteTimeSpan)
        {
            timeout.CancelAfter(options.Timeout);
        }

        HttpContext answer;
        try
        {
            answer = await server.SendAsync(context =>
            {
                Describe(context, uri, connect, cookie, http2);
                upgrade = new InMemoryUpgrade(context, connection, http2);
                context.Features.Set<IHttpUpgradeFeature>(upgrade);
                context.Features.Set<IHttpExtendedConnectFeature>(upgrade);
                context.RequestAborted.Register(static state => ((InMemoryConnection)state!).AbortFromServer(), connection);
                slot.Attach(context);
            }, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            connection.Client.Dispose();
            throw new TimeoutException($"The application did not answer the WebSocket handshake within {options.Timeout} (AsgiTestClientOptions.Timeout).");
        }

        var response = answer.Response;
        var headers = AsgiResponseHead.ReadHeaders(response.Headers);
        if (upgrade!.Accepted)
        {
            var subprotocol = response.Headers.SecWebSocketProtocol.ToString();
            var socket = WebSocket.CreateFromStream(connection.Client, new WebSocketCreationOptions
            {
                IsServer = false,
                SubProtocol = subprotocol.Length == 0 ? null : subprotocol,
                KeepAliveInterval = TimeSpan.Zero,
            });
            return new AsgiWebSocketSession(socket, connection, slot, response.Body, headers, options);
        }

        connection.Client.Dispose();
        var body = await ReadBodyAsync(response.Body, timeout.Token).ConfigureAwait(false);
        AsgiConnectionOutcome? outcome = null;
        try
        {
            // The denial is a complete response; the application normally returns right after it.
            outcome = await slot.WaitAsync(options.Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!options.RaiseServerExceptions)
        {
            // Still running: the denial is reported without its outcome.
        }
        finally
        {
            await response.Body.DisposeAsync().ConfigureAwait(false);
        }

        if (options.RaiseServerExceptions && FailurePolicy.ToRaise(outcome) is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        throw new AsgiWebSocketDeniedException(response.StatusCode, headers, body, outcome);
    }

    private static void Describe(HttpContext context, Uri uri, AsgiWebSocketConnectOptions connect, string? cookie, bool http2)
    {
        var request = context.Request;
        request.Protocol = http2 ? HttpProtocol.Http2 : HttpProtocol.Http11;
        request.Method = http2 ? HttpMethods.Connect : HttpMethods.Get;
        request.Scheme = uri.Scheme is "https" or "wss" ? "https" : "http";
        request.Host = HostString.FromUriComponent(uri);
        if (uri.IsDefaultPort)
        {
            request.Host = new HostString(request.Host.Host);
        }

        request.PathBase = PathString.Empty;
        request.Path = PathString.FromUriComponent(uri);
        request.QueryString = QueryString.FromUriComponent(uri);

        var headers = request.Headers;
        if (!http2)
        {
            headers.Connection = "Upgrade";
            headers.Upgrade = "websocket";
            headers.SecWebSocketKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        }

        headers.SecWebSocketVersion = "13";
        if (connect.Subprotocols.Count > 0)
        {
            headers.SecWebSocketProtocol = string.Join(", ", connect.Subprotocols);
        }

        foreach (var (name, value) in connect.Headers)
        {
            headers.Append(name, value);
        }

        if (cookie is not null)
        {
            headers.Append("Cookie", cookie);
        }
    }

    private static async Task<byte[]> ReadBodyAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        try
        {
            await body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The denial was cut off; what arrived is what a client would have.
        }

        return buffer.ToArray();
    }
}
