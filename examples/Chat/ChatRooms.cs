using System.Collections.Concurrent;

namespace ChatDemo;

/// <summary>Every room of the server, created on first use.</summary>
public sealed class ChatRooms
{
    private readonly ConcurrentDictionary<string, ChatRoom> _rooms = new(StringComparer.Ordinal);

    /// <summary>Returns the room called <paramref name="name"/>, creating it if needed.</summary>
    /// <param name="name">The room's name.</param>
    /// <returns>The room.</returns>
    public ChatRoom Get(string name) => _rooms.GetOrAdd(name, static n => new ChatRoom(n));
}
