namespace ChatDemo;

/// <summary>The members of one room; broadcasting drops members whose connection is dead.</summary>
public sealed class ChatRoom
{
    private readonly Lock _gate = new();
    private readonly List<ChatConnection> _members = [];

    /// <summary>Creates an empty room.</summary>
    /// <param name="name">The room's name (from the path <c>/chat/{room}</c>).</param>
    public ChatRoom(string name) => Name = name;

    /// <summary>The room's name.</summary>
    public string Name { get; }

    /// <summary>The number of members.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _members.Count;
            }
        }
    }

    /// <summary>Adds a member.</summary>
    /// <param name="connection">The member.</param>
    /// <returns>The number of members afterwards.</returns>
    public int Add(ChatConnection connection)
    {
        lock (_gate)
        {
            _members.Add(connection);
            return _members.Count;
        }
    }

    /// <summary>Removes a member.</summary>
    /// <param name="connection">The member.</param>
    /// <param name="remaining">The number of members afterwards.</param>
    /// <returns>Whether it was a member.</returns>
    public bool Remove(ChatConnection connection, out int remaining)
    {
        lock (_gate)
        {
            var removed = _members.Remove(connection);
            remaining = _members.Count;
            return removed;
        }
    }

    /// <summary>Sends <paramref name="text"/> to every member except <paramref name="except"/>; dead members are removed.</summary>
    /// <param name="text">The message.</param>
    /// <param name="except">A member to skip (the sender of a typing notice), or <see langword="null"/>.</param>
    /// <returns>The members that turned out to be dead and were removed.</returns>
    public async Task<IReadOnlyList<ChatConnection>> BroadcastAsync(string text, ChatConnection? except = null)
    {
        ChatConnection[] members;
        lock (_gate)
        {
            members = [.. _members];
        }

        var targets = members.Where(m => !ReferenceEquals(m, except)).ToArray();
        var delivered = await Task.WhenAll(targets.Select(m => m.TrySendAsync(text))).ConfigureAwait(false);
        var dead = new List<ChatConnection>();
        for (var i = 0; i < targets.Length; i++)
        {
            if (!delivered[i] && Remove(targets[i], out _))
            {
                dead.Add(targets[i]);
            }
        }

        return dead;
    }
}
