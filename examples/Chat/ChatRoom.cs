using System.Collections.Concurrent;
using AsgiBridge.Channels;
using AsgiBridge.Messages;
using AsgiBridge.Toolkit;
using Microsoft.Extensions.Logging;

namespace ChatDemo;

/// <summary>
/// One room on this instance: the local members (a <see cref="WebSocketRoom"/>, the fan-out) and one channel in the room's
/// group (the cross-instance hop). Everything the room says goes out as one group send; every instance with members gets
/// it on its channel and hands it to its local room, which queues it for each member without waiting for any.
/// </summary>
public sealed class ChatRoom : IAsyncDisposable
{
    private readonly AsgiChannel _channel;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _membership = new(1, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _notices = new(StringComparer.Ordinal);
    private readonly Task _forward;

    private ChatRoom(string name, string group, AsgiChannel channel, WebSocketRoom members)
    {
        Name = name;
        Group = group;
        _channel = channel;
        Members = members;
        _forward = ForwardAsync();
    }

    /// <summary>The room's name (from the path <c>/chat/{room}</c>).</summary>
    public string Name { get; }

    /// <summary>The channel-layer group of the room, on every instance.</summary>
    public string Group { get; }

    /// <summary>The members connected to this instance.</summary>
    public WebSocketRoom Members { get; }

    /// <summary>Opens the room on this instance: its channel joins the group before the room is used.</summary>
    /// <param name="name">The room's name.</param>
    /// <param name="layer">The channel layer.</param>
    /// <param name="logger">Where the room's drops are logged.</param>
    /// <returns>The room.</returns>
    public static async Task<ChatRoom> OpenAsync(string name, IAsgiChannelLayer layer, ILogger logger)
    {
        var group = GroupFor(name);
        var channel = await AsgiChannel.OpenAsync(layer).ConfigureAwait(false);
        try
        {
            // Returns once the broker subscription holds: a group send from any instance after this reaches the room.
            await channel.JoinAsync(group).ConfigureAwait(false);
        }
        catch
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new ChatRoom(name, group, channel, new WebSocketRoom(name, logger: logger));
    }

    /// <summary>
    /// The group of a room. Room names come from the URL (up to 64 characters, anything but '/'); group names allow
    /// [A-Za-z0-9._-] only: valid names stay readable (<c>chat.lobby</c>), others are hashed, and no two rooms collide.
    /// </summary>
    /// <param name="room">The room's name.</param>
    /// <returns>The group name.</returns>
    public static string GroupFor(string room) => ChannelNames.ToGroupName(room, "chat.");

    /// <summary>Says <paramref name="text"/> to the room on every instance, skipping the member <paramref name="exceptMemberId"/>.</summary>
    /// <param name="text">The JSON the clients get, built once here (the sender's timestamp included).</param>
    /// <param name="exceptMemberId">The sender of a typing notice, or <see langword="null"/>.</param>
    /// <returns>A task that completes when the layer has the message.</returns>
    public ValueTask BroadcastAsync(string text, string? exceptMemberId = null) =>
        _channel.Layer.GroupSendAsync(Group, ChatMessages.Broadcast(text, exceptMemberId));

    /// <summary>
    /// Says a join or leave notice to the room and waits until this instance's members have it queued: a member who joins
    /// next (see <see cref="ChangeMembershipAsync"/>) does not get a notice from before its time. Gives up waiting after
    /// <see cref="NoticeTimeout"/> (a layer that dropped the message), so a lost notice never blocks the room.
    /// </summary>
    /// <param name="text">The notice's JSON.</param>
    /// <returns>A task that completes when the notice reached the local members, or the wait gave up.</returns>
    public async Task AnnounceAsync(string text)
    {
        var id = Guid.NewGuid().ToString("N");
        var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _notices[id] = delivered;
        try
        {
            await _channel.Layer.GroupSendAsync(Group, ChatMessages.Notice(text, id)).ConfigureAwait(false);
            await delivered.Task.WaitAsync(NoticeTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The layer dropped it (a full channel): the room goes on without it.
        }
        finally
        {
            _notices.TryRemove(id, out _);
        }
    }

    /// <summary>How long <see cref="AnnounceAsync"/> waits for its notice to come back through the layer.</summary>
    public static TimeSpan NoticeTimeout { get; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Runs one join or leave of this instance's members at a time, from the change to its notice. The seed gets this
    /// for free on uvicorn (adding a member, counting and announcing happen in one step of the event loop); here the
    /// count and the group send are awaited, so without it two members joining or leaving at once could be announced
    /// out of order, each with the other's count.
    /// </summary>
    /// <typeparam name="T">What the change returns.</typeparam>
    /// <param name="change">The join or leave, including its notice.</param>
    /// <returns>What <paramref name="change"/> returned.</returns>
    public async Task<T> ChangeMembershipAsync<T>(Func<Task<T>> change)
    {
        await _membership.WaitAsync().ConfigureAwait(false);
        try
        {
            return await change().ConfigureAwait(false);
        }
        finally
        {
            _membership.Release();
        }
    }

    /// <summary>Stops forwarding and leaves the group.</summary>
    /// <returns>A task that completes when the channel is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _forward.ConfigureAwait(false);
        await _channel.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
        _membership.Dispose();
    }

    /// <summary>Layer → local members. Never waits for a member: the room only queues.</summary>
    private async Task ForwardAsync()
    {
        await foreach (var message in _channel.ReadAllAsync(_stop.Token).ConfigureAwait(false))
        {
            var except = message.TryGetValue(ChatMessages.ExceptKey, out var id) ? id as string : null;
            Members.Broadcast(WebSocketSend.FromText(message.GetString(ChatMessages.TextKey)), except);
            if (message.TryGetValue(ChatMessages.NoticeKey, out var notice) && notice is string key && _notices.TryGetValue(key, out var delivered))
            {
                delivered.TrySetResult();
            }
        }
    }
}
