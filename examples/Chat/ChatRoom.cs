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

    /// <summary>Stops forwarding and leaves the group.</summary>
    /// <returns>A task that completes when the channel is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _forward.ConfigureAwait(false);
        await _channel.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>Layer → local members. Never waits for a member: the room only queues.</summary>
    private async Task ForwardAsync()
    {
        await foreach (var message in _channel.ReadAllAsync(_stop.Token).ConfigureAwait(false))
        {
            var except = message.TryGetValue(ChatMessages.ExceptKey, out var id) ? id as string : null;
            Members.Broadcast(WebSocketSend.FromText(message.GetString(ChatMessages.TextKey)), except);
        }
    }
}
