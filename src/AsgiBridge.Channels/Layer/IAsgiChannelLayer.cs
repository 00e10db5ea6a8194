namespace AsgiBridge.Channels;

/// <summary>
/// A channel layer in the Django Channels model: named channels (FIFO queues with at-most-once delivery) and groups of
/// channels, reachable from every instance of an application. Channels are process-local: <see cref="NewChannelAsync"/>
/// makes a name <c>specific.&lt;instance&gt;!&lt;id&gt;</c> that only this instance can receive from, while any instance can
/// send to it. Sends never wait for room: a full channel raises <see cref="ChannelFullException"/> (direct sends to a
/// channel of this instance) or misses the message (group sends, and sends arriving from other instances).
/// </summary>
/// <remarks>
/// Messages are the Channels dictionary form (<c>{"type": "chat.message", ...}</c>): pass a <see cref="ChannelMessage"/> or
/// any <see cref="IReadOnlyDictionary{TKey, TValue}"/> such as a <see cref="Dictionary{TKey, TValue}"/>; invalid messages
/// raise <see cref="InvalidChannelMessageException"/> naming the field, before anything is delivered.
/// </remarks>
public interface IAsgiChannelLayer
{
    /// <summary>The id of this instance, the owner part of its channel names.</summary>
    string InstanceId { get; }

    /// <summary>Creates a process-local channel that this instance receives from.</summary>
    /// <param name="prefix">The name's prefix; default <see cref="ChannelLayerOptions.ChannelNamePrefix"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The channel's name, <c>&lt;prefix&gt;.&lt;instance&gt;!&lt;id&gt;</c>.</returns>
    ValueTask<string> NewChannelAsync(string? prefix = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a message to one channel: straight into its queue when it belongs to this instance, through the broker
    /// otherwise. A message for a channel that no longer exists is dropped (at-most-once).
    /// </summary>
    /// <param name="channel">A process-local channel name made by <see cref="NewChannelAsync"/> on any instance.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the message was queued or handed to the broker.</returns>
    /// <exception cref="ChannelFullException">The channel belongs to this instance and is full.</exception>
    /// <exception cref="InvalidChannelMessageException">The message cannot be carried.</exception>
    /// <exception cref="ArgumentException">The channel name is invalid or not process-local.</exception>
    ValueTask SendAsync(string channel, IReadOnlyDictionary<string, object?> message, CancellationToken cancellationToken = default);

    /// <summary>Waits for the next unexpired message on a channel of this instance.</summary>
    /// <param name="channel">A channel made by this instance's <see cref="NewChannelAsync"/>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The message.</returns>
    /// <exception cref="ArgumentException">The channel does not belong to this instance, or was discarded.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    ValueTask<ChannelMessage> ReceiveAsync(string channel, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds a channel of this instance to a group, or renews its membership for <see cref="ChannelLayerOptions.GroupExpiry"/>.
    /// When this is the instance's first member of the group, the call returns once the broker subscription is in place, so a
    /// group send from any instance after it returns reaches the channel.
    /// </summary>
    /// <param name="group">The group name (<see cref="ChannelNames.ToGroupName"/> makes one from any text).</param>
    /// <param name="channel">A channel made by this instance.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the membership holds.</returns>
    /// <exception cref="ArgumentException">A name is invalid or the channel belongs to another instance.</exception>
    ValueTask GroupAddAsync(string group, string channel, CancellationToken cancellationToken = default);

    /// <summary>Removes a channel from a group; nothing happens when it was not a member.</summary>
    /// <param name="group">The group name.</param>
    /// <param name="channel">The channel.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the membership is gone.</returns>
    ValueTask GroupDiscardAsync(string group, string channel, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a message to every member of a group on every instance: the members of this instance get it straight into their
    /// queues, and one broker publish carries it to the other instances, which do the same for theirs. A member whose queue is
    /// full misses the message; the others are never held up by it.
    /// </summary>
    /// <param name="group">The group name.</param>
    /// <param name="message">The message, shared by every member (not copied per member).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when local members have the message and the broker has it for the others.</returns>
    /// <exception cref="InvalidChannelMessageException">The message cannot be carried.</exception>
    ValueTask GroupSendAsync(string group, IReadOnlyDictionary<string, object?> message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes a channel of this instance: its waiting messages, its group memberships and its name (later messages to it are
    /// dropped, and a pending <see cref="ReceiveAsync"/> fails). Call it when the connection that owned the channel ends.
    /// </summary>
    /// <param name="channel">The channel.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the channel is gone.</returns>
    ValueTask DiscardChannelAsync(string channel, CancellationToken cancellationToken = default);
}
