using AsgiBridge.Channels.Local;

namespace AsgiBridge.Channels.Groups;

/// <summary>
/// This instance's members of one group. The member list is copy-on-write: a group send reads one array without locking or
/// allocating, and joins and leaves (rare next to sends) pay for the copy. A group that lost its last member is retired, so
/// a join racing with that removal starts a fresh group instead of joining one that is being dropped.
/// </summary>
internal sealed class LocalGroup(string name)
{
    private readonly Lock _gate = new();
    private GroupMember[] _members = [];
    private bool _retired;

    public string Name { get; } = name;

    /// <summary>The members now (never changed in place).</summary>
    public GroupMember[] Members => Volatile.Read(ref _members);

    /// <summary>Adds a member or renews its expiry.</summary>
    /// <param name="channel">The member.</param>
    /// <param name="expiresAt">When the membership lapses.</param>
    /// <returns><see langword="false"/> when the group was retired meanwhile (try again with a fresh one).</returns>
    public bool TryAdd(LocalChannel channel, long expiresAt)
    {
        lock (_gate)
        {
            if (_retired)
            {
                return false;
            }

            var index = IndexOf(channel);
            var copy = index >= 0 ? (GroupMember[])_members.Clone() : [.. _members, default];
            copy[index >= 0 ? index : copy.Length - 1] = new GroupMember(channel, expiresAt);
            Volatile.Write(ref _members, copy);
            return true;
        }
    }

    /// <summary>Removes a member; when it was the last, the group is retired.</summary>
    /// <param name="channel">The member.</param>
    /// <param name="onlyIfExpiredBy">When set, removes the member only if its membership lapsed by then (a renewal wins).</param>
    /// <param name="nowEmpty">Whether no member is left.</param>
    /// <returns>Whether the channel was removed.</returns>
    public bool Remove(LocalChannel channel, long? onlyIfExpiredBy, out bool nowEmpty)
    {
        lock (_gate)
        {
            nowEmpty = _members.Length == 0;
            var index = IndexOf(channel);
            if (index < 0 || (onlyIfExpiredBy is { } now && _members[index].ExpiresAt > now))
            {
                return false;
            }

            var copy = new GroupMember[_members.Length - 1];
            Array.Copy(_members, 0, copy, 0, index);
            Array.Copy(_members, index + 1, copy, index, copy.Length - index);
            Volatile.Write(ref _members, copy);
            nowEmpty = copy.Length == 0;
            _retired = nowEmpty;
            return true;
        }
    }

    private int IndexOf(LocalChannel channel)
    {
        var members = _members;
        for (var i = 0; i < members.Length; i++)
        {
            if (ReferenceEquals(members[i].Channel, channel))
            {
                return i;
            }
        }

        return -1;
    }
}
