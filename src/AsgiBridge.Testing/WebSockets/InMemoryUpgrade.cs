using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AsgiBridge.Testing.WebSockets;

/// <summary>
/// The server side of an in-process WebSocket handshake, in the shape Kestrel gives it: an HTTP/1.1 upgrade
/// (<see cref="IHttpUpgradeFeature"/>, status 101) or an HTTP/2 extended CONNECT (<see cref="IHttpExtendedConnectFeature"/>,
/// status 200). ASP.NET Core's WebSocket middleware, which the bridge runs, performs the handshake on it; accepting sends
/// the response headers and hands over the server end of the <see cref="InMemoryConnection"/>.
/// </summary>
internal sealed class InMemoryUpgrade(HttpContext context, InMemoryConnection connection, bool extendedConnect) : IHttpUpgradeFeature, IHttpExtendedConnectFeature
{
    private int _accepted;

    /// <summary>Whether the application accepted the WebSocket (the server took the connection).</summary>
    public bool Accepted => Volatile.Read(ref _accepted) == 1;

    bool IHttpUpgradeFeature.IsUpgradableRequest => !extendedConnect;

    bool IHttpExtendedConnectFeature.IsExtendedConnect => extendedConnect;

    string? IHttpExtendedConnectFeature.Protocol => extendedConnect ? "websocket" : null;

    async Task<Stream> IHttpUpgradeFeature.UpgradeAsync() => await AcceptAsync(StatusCodes.Status101SwitchingProtocols).ConfigureAwait(false);

    async ValueTask<Stream> IHttpExtendedConnectFeature.AcceptAsync() => await AcceptAsync(StatusCodes.Status200OK).ConfigureAwait(false);

    private async Task<Stream> AcceptAsync(int status)
    {
        if (Interlocked.Exchange(ref _accepted, 1) == 1)
        {
            throw new InvalidOperationException("The connection was already upgraded.");
        }

        context.Response.StatusCode = status;
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false); // sends the head to the client
        return connection.Server;
    }
}
