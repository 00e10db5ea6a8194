using System.Collections.Concurrent;

namespace AsgiBridge.Channels.Presence;

/// <summary>
/// Counts the members of groups across every instance, for "N online" notices: each instance counts its own members and
/// tells the others through the channel layer itself (group <c>presence.&lt;group&gt;</c>, one channel per instance), so it
/// works on any backend. An instance announces its count when it changes and every <see cref="RefreshInterval"/>; counts
/// not refreshed within three intervals (an instance that died) are forgotten. When an instance gets its first member of a
/// group it asks the others for their counts, which arrive one broker round trip later: a count is exact on one instance
/// and eventually consistent across them.
/// </summary>
public sealed class GroupPresence : IAsyncDisposable
{
    private const string CountType = "presence.count";

    private readonly IAsgiChannelLayer _layer;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, GroupCounts> _groups = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _changes = new(1, 1);
    private AsgiChannel? _inbox;
    private Task? _listener;
    private ITimer? _refresh;

    /// <summary>Creates the presence counter; call <see cref="StartAsync"/> before use.</summary>
    /// <param name="layer">The channel layer.</param>
    /// <param name="timeProvider">The clock for refreshes and forgetting; default <see cref="TimeProvider.System"/>.</param>
    public GroupPresence(IAsgiChannelLayer layer, TimeProvider? timeProvider = null)
    {
        _layer = layer ?? throw new ArgumentNullException(nameof(layer));
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>How often each instance repeats its counts (default 10 s); remote counts older than three intervals are dropped.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Raised with the group's name after another instance's count for it was received.</summary>
    public event Action<string>? Changed;

    /// <summary>Opens this instance's presence channel and starts listening and refreshing.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when started.</returns>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        _inbox = await AsgiChannel.OpenAsync(_layer, "presence", cancellationToken).ConfigureAwait(false);
        _listener = Task.Run(ListenAsync, CancellationToken.None);
        _refresh = _time.CreateTimer(static state => ((GroupPresence)state!).Refresh(), this, RefreshInterval, RefreshInterval);
    }

    /// <summary>Records that a member of <paramref name="group"/> joined on this instance and tells the other instances.</summary>
    /// <param name="group">The group.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The group's member count across the instances known so far.</returns>
    public ValueTask<int> JoinedAsync(string group, CancellationToken cancellationToken = default) => ChangeAsync(group, +1, cancellationToken);

    /// <summary>Records that a member of <paramref name="group"/> left on this instance and tells the other instances.</summary>
    /// <param name="group">The group.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The group's member count across the instances known so far.</returns>
    public ValueTask<int> LeftAsync(string group, CancellationToken cancellationToken = default) => ChangeAsync(group, -1, cancellationToken);

    /// <summary>The group's member count: this instance's members plus the last counts of the other instances.</summary>
    /// <param name="group">The group.</param>
    /// <returns>The count.</returns>
    public int Count(string group) => _groups.TryGetValue(group, out var counts) ? counts.Total(_time.GetTimestamp()) : 0;

    /// <summary>Stops listening and leaves every presence group.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_refresh is not null)
        {
            await _refresh.DisposeAsync().ConfigureAwait(false);
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_listener is not null)
        {
            await _listener.ConfigureAwait(false);
        }

        if (_inbox is not null)
        {
            await _inbox.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
        _changes.Dispose();
    }

    private static string PresenceGroup(string group) => ChannelNames.ToGroupName(group, "presence.");

    private async ValueTask<int> ChangeAsync(string group, int delta, CancellationToken cancellationToken)
    {
        var inbox = _inbox ?? throw new InvalidOperationException("Call GroupPresence.StartAsync first.");
        int local;
        bool first, last;
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var counts = _groups.GetOrAdd(group, static _ => new GroupCounts());
            first = counts.Local == 0 && delta > 0;
            counts.Local = Math.Max(0, counts.Local + delta);
            local = counts.Local;
            last = local == 0;
            if (first)
            {
                await inbox.JoinAsync(PresenceGroup(group), cancellationToken).ConfigureAwait(false);
            }

            await AnnounceAsync(group, local, askOthers: first, cancellationToken).ConfigureAwait(false);
            if (last)
            {
                await inbox.LeaveAsync(PresenceGroup(group), cancellationToken).ConfigureAwait(false);
                _groups.TryRemove(group, out _);
            }
        }
        finally
        {
            _changes.Release();
        }

        return last ? 0 : Count(group);
    }

    private ValueTask AnnounceAsync(string group, int count, bool askOthers, CancellationToken cancellationToken) =>
        _layer.GroupSendAsync(PresenceGroup(group), new ChannelMessage(CountType)
        {
            ["group"] = group,
            ["instance"] = _layer.InstanceId,
            ["count"] = count,
            ["ask"] = askOthers,
        }, cancellationToken);

    private async Task ListenAsync()
    {
        await foreach (var message in _inbox!.ReadAllAsync(_stop.Token).ConfigureAwait(false))
        {
            if (message.Type != CountType || !message.TryGetValue("instance", out var instance) || instance is not string from || from == _layer.InstanceId)
            {
                continue;   // our own announcement, or not ours to read
            }

            string group;
            int count;
            bool ask;
            try
            {
                (group, count, ask) = (message.GetString("group"), message.GetInt32("count"), message.GetBoolean("ask"));
            }
            catch (InvalidChannelMessageException)
            {
                continue;   // not a presence message of this version
            }

            if (!_groups.TryGetValue(group, out var counts))
            {
                continue;   // no member here any more
            }

            counts.SetRemote(from, count, _time.GetTimestamp() + 3 * ToTicks(RefreshInterval));
            Changed?.Invoke(group);
            if (ask && counts.Local > 0)
            {
                try
                {
                    await AnnounceAsync(group, counts.Local, askOthers: false, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void Refresh()
    {
        foreach (var (group, counts) in _groups)
        {
            if (counts.Local > 0)
            {
                _ = AnnounceAsync(group, counts.Local, askOthers: false, _stop.Token).AsTask().ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
            }
        }
    }

    private long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    /// <summary>One group's count here and the last count heard from each other instance.</summary>
    private sealed class GroupCounts
    {
        private readonly ConcurrentDictionary<string, (int Count, long ExpiresAt)> _remote = new(StringComparer.Ordinal);

        public int Local { get; set; }

        public void SetRemote(string instance, int count, long expiresAt)
        {
            if (count > 0)
            {
                _remote[instance] = (count, expiresAt);
            }
            else
            {
                _remote.TryRemove(instance, out _);
            }
        }

        public int Total(long now)
        {
            var total = Local;
            foreach (var (instance, (count, expiresAt)) in _remote)
            {
                if (expiresAt > now)
                {
                    total += count;
                }
                else
                {
                    _remote.TryRemove(instance, out _);
                }
            }

            return total;
        }
    }
}
