using System.Collections.Concurrent;
using AsgiBridge.Channels.Local;

namespace AsgiBridge.Channels.Groups;

/// <summary>Every group that has members on this instance: membership is kept per instance, never in the broker.</summary>
internal sealed class GroupTable
{
    private readonly ConcurrentDictionary<string, LocalGroup> _groups = new(StringComparer.Ordinal);

    /// <summary>The number of groups with members here.</summary>
    public int Count => _groups.Count;

    /// <summary>Adds a member or renews it.</summary>
    public void Add(string group, LocalChannel channel, long expiresAt)
    {
        while (true)
        {
            var local = _groups.GetOrAdd(group, static name => new LocalGroup(name));
            if (local.TryAdd(channel, expiresAt))
            {
                return;
            }

            // Retired by a concurrent removal of its last member: it is leaving the table, take a fresh one.
            _groups.TryRemove(KeyValuePair.Create(group, local));
        }
    }

    /// <summary>Removes a member.</summary>
    /// <param name="group">The group.</param>
    /// <param name="channel">The member.</param>
    /// <param name="onlyIfExpiredBy">When set, only a lapsed membership is removed.</param>
    /// <param name="nowEmpty">Whether the group has no member left here (so the broker subscription can go).</param>
    /// <returns>Whether the channel was a member and was removed.</returns>
    public bool Remove(string group, LocalChannel channel, long? onlyIfExpiredBy, out bool nowEmpty)
    {
        nowEmpty = false;
        if (!_groups.TryGetValue(group, out var local) || !local.Remove(channel, onlyIfExpiredBy, out nowEmpty))
        {
            return false;
        }

        if (nowEmpty)
        {
            _groups.TryRemove(KeyValuePair.Create(group, local));
        }

        return true;
    }

    /// <summary>The members of a group here (an empty array when none).</summary>
    public GroupMember[] Members(string group) => _groups.TryGetValue(group, out var local) ? local.Members : [];

    /// <summary>Whether the group has members here.</summary>
    public bool HasMembers(string group) => _groups.TryGetValue(group, out var local) && local.Members.Length > 0;

    /// <summary>The memberships that lapsed by <paramref name="now"/>.</summary>
    public List<(string Group, LocalChannel Channel)> Lapsed(long now)
    {
        var lapsed = new List<(string, LocalChannel)>();
        foreach (var (name, local) in _groups)
        {
            foreach (var member in local.Members)
            {
                if (member.ExpiresAt <= now)
                {
                    lapsed.Add((name, member.Channel));
                }
            }
        }

        return lapsed;
    }
}
