namespace AsgiBridge.Channels.Broker;

/// <summary>What a broker reports to its channel layer. Calls may come from any thread and must return quickly.</summary>
public interface IChannelLayerBrokerCallbacks
{
    /// <summary>A message arrived on one of the subscribed subjects.</summary>
    /// <param name="payload">The bytes another instance published; only valid during the call.</param>
    void OnMessage(ReadOnlySpan<byte> payload);

    /// <summary>The broker became unreachable (may be reported more than once per outage; the layer logs it once).</summary>
    /// <param name="cause">The cause, when known.</param>
    void OnConnectionLost(Exception? cause);

    /// <summary>The broker is reachable again and the subscriptions are restored.</summary>
    void OnConnectionRestored();
}
