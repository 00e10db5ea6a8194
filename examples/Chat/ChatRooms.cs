using AsgiBridge.Channels;
using AsgiBridge.Channels.Presence;
using Microsoft.Extensions.Logging;

namespace ChatDemo;

/// <summary>
/// The rooms open on this instance, counted by member: a room opens (its channel joins the group) with its first local
/// member and closes with its last, so rooms named by URLs do not pile up. <see cref="Presence"/> counts a room's members
/// across instances, for <c>user_count</c>.
/// </summary>
public sealed class ChatRooms
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _open = new(StringComparer.Ordinal);
    private readonly IAsgiChannelLayer _layer;
    private readonly ILogger _logger;

    /// <summary>Creates the registry.</summary>
    /// <param name="layer">The channel layer (in-memory when no broker is configured).</param>
    /// <param name="presence">Member counts across instances.</param>
    /// <param name="loggerFactory">Where rooms log.</param>
    public ChatRooms(IAsgiChannelLayer layer, GroupPresence presence, ILoggerFactory loggerFactory)
    {
        _layer = layer;
        Presence = presence;
        _logger = loggerFactory.CreateLogger("ChatDemo.Rooms");
    }

    /// <summary>Member counts across instances.</summary>
    public GroupPresence Presence { get; }

    /// <summary>Returns the room called <paramref name="name"/>, opening it on this instance if needed; pair with <see cref="ReleaseAsync"/>.</summary>
    /// <param name="name">The room's name.</param>
    /// <returns>The room.</returns>
    public async Task<ChatRoom> AcquireAsync(string name)
    {
        Entry entry;
        lock (_gate)
        {
            if (!_open.TryGetValue(name, out entry!))
            {
                entry = new Entry(ChatRoom.OpenAsync(name, _layer, _logger));
                _open.Add(name, entry);
            }

            entry.Users++;
        }

        try
        {
            return await entry.Room.ConfigureAwait(false);
        }
        catch
        {
            await ReleaseAsync(name).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Gives a room back; the last local member closes it.</summary>
    /// <param name="name">The room's name.</param>
    /// <returns>A task that completes when the room is released (closed, for the last member).</returns>
    public async Task ReleaseAsync(string name)
    {
        Entry? closing = null;
        lock (_gate)
        {
            if (_open.TryGetValue(name, out var entry) && --entry.Users == 0)
            {
                _open.Remove(name);
                closing = entry;
            }
        }

        if (closing is not null && closing.Room.IsCompletedSuccessfully)
        {
            await (await closing.Room.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed class Entry(Task<ChatRoom> room)
    {
        public Task<ChatRoom> Room { get; } = room;

        public int Users { get; set; }
    }
}
