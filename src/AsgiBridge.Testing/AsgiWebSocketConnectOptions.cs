namespace AsgiBridge.Testing;

/// <summary>What a WebSocket handshake offers: subprotocols and extra request headers.</summary>
public sealed class AsgiWebSocketConnectOptions
{
    /// <summary>The subprotocols offered, in order (the scope's <c>subprotocols</c> key).</summary>
    public IList<string> Subprotocols { get; } = [];

    /// <summary>Extra request headers, in order.</summary>
    public IList<(string Name, string Value)> Headers { get; } = [];
}
