using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AsgiBridge.WebSockets;

/// <summary>
/// Wraps the server's upgrade features (HTTP/1.1 Upgrade, HTTP/2 extended CONNECT) so the close frames of both directions of
/// the stream the WebSocket is built on are observed (<see cref="WebSocketFrameObservers"/>). Installed before ASP.NET Core's WebSocket middleware runs.
/// </summary>
internal static class ObservedUpgradeFeatures
{
    /// <summary>Installs the wrappers on a request that may become a WebSocket and returns the observers.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The observers, or <see langword="null"/> when the server offers no upgrade feature to wrap.</returns>
    public static WebSocketFrameObservers? Install(HttpContext context)
    {
        var features = context.Features;
        var upgrade = features.Get<IHttpUpgradeFeature>();
        var connect = features.Get<IHttpExtendedConnectFeature>();
        if (upgrade is not { IsUpgradableRequest: true } && connect is not { IsExtendedConnect: true })
        {
            return null;
        }

        var observer = new WebSocketFrameObservers();
        if (upgrade is { IsUpgradableRequest: true })
        {
            features.Set<IHttpUpgradeFeature>(new ObservedUpgrade(upgrade, observer));
        }

        if (connect is { IsExtendedConnect: true })
        {
            features.Set<IHttpExtendedConnectFeature>(new ObservedExtendedConnect(connect, observer));
        }

        features.Set(observer);
        return observer;
    }

    private sealed class ObservedUpgrade(IHttpUpgradeFeature inner, WebSocketFrameObservers observer) : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => inner.IsUpgradableRequest;

        public async Task<Stream> UpgradeAsync() => new ObservedWebSocketStream(await inner.UpgradeAsync().ConfigureAwait(false), observer);
    }

    private sealed class ObservedExtendedConnect(IHttpExtendedConnectFeature inner, WebSocketFrameObservers observer) : IHttpExtendedConnectFeature
    {
        public bool IsExtendedConnect => inner.IsExtendedConnect;

        public string? Protocol => inner.Protocol;

        public async ValueTask<Stream> AcceptAsync() => new ObservedWebSocketStream(await inner.AcceptAsync().ConfigureAwait(false), observer);
    }
}
