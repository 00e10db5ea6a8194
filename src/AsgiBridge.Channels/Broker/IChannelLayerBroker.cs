namespace AsgiBridge.Channels.Broker;

/// <summary>
/// The transport under a channel layer that spans instances: publish/subscribe on an existing broker (Redis, NATS).
/// The layer keeps every channel, queue and group membership in its own instance; the broker only carries bytes between
/// instances: one subject per group that has members on an instance (so a group send is one publish, fanned out by each
/// subscribed instance), and one subject per instance for direct sends. Delivery is at most once.
/// </summary>
/// <remarks>
/// Implementations keep their subscriptions across reconnects by themselves, report connectivity changes through
/// <see cref="IChannelLayerBrokerCallbacks"/>, and never queue while disconnected: a publish that cannot go out now returns
/// <see langword="false"/> at once.
/// </remarks>
public interface IChannelLayerBroker : IAsyncDisposable
{
    /// <summary>The broker's name for logs and metrics, such as <c>redis</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Connects and subscribes to this instance's own subject. Completes even when the broker is unreachable (the broker then
    /// reports <see cref="IChannelLayerBrokerCallbacks.OnConnectionLost"/> and keeps trying).
    /// </summary>
    /// <param name="instanceId">This instance's id, as in its channel names.</param>
    /// <param name="callbacks">Where messages and connectivity changes go.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when started.</returns>
    ValueTask StartAsync(string instanceId, IChannelLayerBrokerCallbacks callbacks, CancellationToken cancellationToken);

    /// <summary>
    /// Subscribes to a group's subject (the instance got its first member of the group). Idempotent. When the broker is
    /// unreachable the subscription is recorded and made on reconnection; the call does not fail for that.
    /// </summary>
    /// <param name="group">The group.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the broker confirmed the subscription, or recorded it while disconnected.</returns>
    ValueTask SubscribeGroupAsync(string group, CancellationToken cancellationToken);

    /// <summary>Unsubscribes from a group's subject (the instance's last member left). Idempotent; never fails for an unreachable broker.</summary>
    /// <param name="group">The group.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when done.</returns>
    ValueTask UnsubscribeGroupAsync(string group, CancellationToken cancellationToken);

    /// <summary>Publishes one message to every instance subscribed to the group.</summary>
    /// <param name="group">The group.</param>
    /// <param name="payload">The serialized message; valid until the returned task completes.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="false"/> when the broker is unreachable and the message was not sent.</returns>
    ValueTask<bool> PublishToGroupAsync(string group, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    /// <summary>Publishes one message to the instance that owns a channel.</summary>
    /// <param name="instanceId">The receiving instance.</param>
    /// <param name="payload">The serialized message; valid until the returned task completes.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="false"/> when the broker is unreachable and the message was not sent.</returns>
    ValueTask<bool> PublishToInstanceAsync(string instanceId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}
