using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using AsgiBridge.Channels.Broker;
using AsgiBridge.Channels.Diagnostics;
using AsgiBridge.Channels.Groups;
using AsgiBridge.Channels.Local;
using AsgiBridge.Channels.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AsgiBridge.Channels;

/// <summary>
/// The channel layer. Every channel and every group membership lives in the instance that owns the channel; without a
/// broker this is the in-memory layer (one process), with one (<see cref="IChannelLayerBroker"/>: Redis, NATS) groups and
/// channels span every instance connected to it. A group send delivers to this instance's members directly and costs one
/// broker publish for all other instances, each of which fans it out to its own members; nothing is copied per member.
/// </summary>
/// <remarks>
/// Guarantees: at-most-once delivery; FIFO per channel for messages from one sender; sends never wait for a receiver or a
/// full queue. Overflow: each channel holds <see cref="ChannelLayerOptions.Capacity"/> unexpired messages; a direct send to
/// a full local channel raises <see cref="ChannelFullException"/>, while a group send (and anything arriving from the broker)
/// skips the full member, counts the drop and logs it at most once per <see cref="ChannelLayerOptions.DropLogInterval"/>.
/// When the broker is unreachable, local delivery goes on, the outage is logged once, and messages for other instances are
/// dropped (never queued) until it is back.
/// </remarks>
public sealed class AsgiChannelLayer : IAsgiChannelLayer, IAsyncDisposable
{
    private const string InMemoryBackend = "in-memory";

    private readonly ConcurrentDictionary<string, LocalChannel> _channels = new(StringComparer.Ordinal);
    private readonly GroupTable _groups = new();
    private readonly BrokerLink? _broker;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChannelLayerMetrics _metrics;
    private readonly RateLimitedReport _fullReport;
    private readonly Func<string, bool> _hasMembers;
    private readonly ITimer _sweepTimer;
    private readonly int _capacity;
    private readonly long _messageExpiry;
    private readonly long _groupExpiry;
    private readonly string _defaultPrefix;
    private readonly string _ownerMarker;
    private Task? _start;
    private long _nextChannelId;
    private int _disposed;

    /// <summary>Creates a channel layer.</summary>
    /// <param name="options">Capacity, expiry and naming.</param>
    /// <param name="broker">The broker that connects instances; <see langword="null"/> for the in-memory layer.</param>
    /// <param name="loggerFactory">Where logs go (category <c>AsgiBridge.Channels</c>); optional.</param>
    /// <param name="timeProvider">The clock for expiry; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="meterFactory">Creates the <c>AsgiBridge.Channels</c> meter; optional.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public AsgiChannelLayer(
        IOptions<ChannelLayerOptions> options,
        IChannelLayerBroker? broker = null,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        settings.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = loggerFactory?.CreateLogger(ChannelLayerLog.Category) ?? NullLogger.Instance;
        _metrics = new ChannelLayerMetrics(meterFactory);
        _fullReport = new RateLimitedReport(_time, settings.DropLogInterval);
        _capacity = settings.Capacity;
        _messageExpiry = ToTimestampTicks(settings.MessageExpiry);
        _groupExpiry = ToTimestampTicks(settings.GroupExpiry);
        _defaultPrefix = settings.ChannelNamePrefix;
        InstanceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 6));
        _ownerMarker = "." + InstanceId + ChannelNames.LocalSeparator;
        _hasMembers = _groups.HasMembers;
        _broker = broker is null ? null : new BrokerLink(broker, InstanceId, DeliverFromBroker, _logger, _metrics, _time, settings);

        // Lapsed memberships are skipped by every group send at once; the sweep only frees them (and broker subscriptions).
        var sweep = TimeSpan.FromTicks(Math.Clamp(settings.GroupExpiry.Ticks / 4, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));
        _sweepTimer = _time.CreateTimer(static state => ((AsgiChannelLayer)state!).SweepLapsedMemberships(), this, sweep, sweep);
    }

    /// <inheritdoc />
    public string InstanceId { get; }

    /// <summary>The backend's name: <c>in-memory</c>, or the broker's (<c>redis</c>, <c>nats</c>).</summary>
    public string Backend => _broker?.Name ?? InMemoryBackend;

    /// <summary>Creates the in-memory layer (one process, no broker).</summary>
    /// <param name="configure">Changes the options; optional.</param>
    /// <returns>The layer.</returns>
    public static AsgiChannelLayer CreateInMemory(Action<ChannelLayerOptions>? configure = null)
    {
        var options = new ChannelLayerOptions();
        configure?.Invoke(options);
        return new AsgiChannelLayer(Options.Create(options));
    }

    /// <summary>
    /// Connects the broker and subscribes to this instance's subject; the first operation that needs the broker does it too.
    /// Completes even when the broker is unreachable (the layer then works locally and keeps reconnecting).
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (the start goes on).</param>
    /// <returns>A task that completes when started.</returns>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        var start = Volatile.Read(ref _start);
        if (start is null)
        {
            var created = StartCoreAsync();
            start = Interlocked.CompareExchange(ref _start, created, null) ?? created;
        }

        return start.IsCompleted ? start : start.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<string> NewChannelAsync(string? prefix = null, CancellationToken cancellationToken = default)
    {
        prefix ??= _defaultPrefix;
        if (prefix.Length == 0 || prefix.Length > 40 || !ChannelNames.AllNameCharacters(prefix))
        {
            throw new ArgumentException($"The channel prefix '{prefix}' must be 1 to 40 ASCII letters, digits, '-', '_' or '.'.", nameof(prefix));
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var id = Interlocked.Increment(ref _nextChannelId);
        var name = string.Create(CultureInfo.InvariantCulture, $"{prefix}{_ownerMarker}{id:x}");
        _channels[name] = new LocalChannel(name, _capacity);
        return NeedsStart ? AwaitStart(name, cancellationToken) : ValueTask.FromResult(name);

        async ValueTask<string> AwaitStart(string channel, CancellationToken token)
        {
            await StartAsync(token).ConfigureAwait(false);
            return channel;
        }
    }

    /// <inheritdoc />
    public ValueTask SendAsync(string channel, IReadOnlyDictionary<string, object?> message, CancellationToken cancellationToken = default)
    {
        ChannelNames.ThrowIfInvalidChannel(channel, nameof(channel));
        var owner = OwnerOf(channel);
        var frozen = ChannelMessage.From(message);
        _metrics.Sent("direct");
        if (owner is null)
        {
            DeliverToChannel(channel, frozen, raiseWhenFull: true);
            return ValueTask.CompletedTask;
        }

        if (_broker is null)
        {
            // In memory there is no other instance: a name from one is stale.
            DropForUnknownChannel(channel);
            return ValueTask.CompletedTask;
        }

        return SendRemoteAsync(owner, channel, frozen, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<ChannelMessage> ReceiveAsync(string channel, CancellationToken cancellationToken = default)
    {
        var local = GetOwnChannel(channel, nameof(channel));
        if (TryTake(local, out var message))
        {
            return ValueTask.FromResult(message);
        }

        return WaitAsync(local, cancellationToken);

        async ValueTask<ChannelMessage> WaitAsync(LocalChannel queue, CancellationToken token)
        {
            while (await queue.WaitToReadAsync(token).ConfigureAwait(false))
            {
                if (TryTake(queue, out var next))
                {
                    return next;
                }
            }

            throw new ArgumentException($"The channel '{queue.Name}' was discarded while waiting for a message.", nameof(channel));
        }
    }

    /// <inheritdoc />
    public ValueTask GroupAddAsync(string group, string channel, CancellationToken cancellationToken = default)
    {
        ChannelNames.ThrowIfInvalidGroup(group, nameof(group));
        var local = GetOwnChannel(channel, nameof(channel));
        if (!local.Joined(group))
        {
            throw new ArgumentException($"The channel '{channel}' was discarded.", nameof(channel));
        }

        _groups.Add(group, local, _time.GetTimestamp() + _groupExpiry);
        if (local.IsClosed)
        {
            // Discarded while joining: undo, so no membership outlives its channel.
            _groups.Remove(group, local, null, out _);
        }

        // Not only for the first member: a second join must also wait while the first one's subscription is being made.
        return _broker is not null ? JoinBrokerAsync(group, cancellationToken) : ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask GroupDiscardAsync(string group, string channel, CancellationToken cancellationToken = default)
    {
        ChannelNames.ThrowIfInvalidGroup(group, nameof(group));
        ChannelNames.ThrowIfInvalidChannel(channel, nameof(channel));
        if (OwnerOf(channel) is not null)
        {
            throw ForeignChannel(channel, nameof(channel));
        }

        if (!_channels.TryGetValue(channel, out var local))
        {
            return ValueTask.CompletedTask;   // discarded: its memberships went with it
        }

        local.Left(group);
        return _groups.Remove(group, local, null, out var empty) && empty && _broker is not null
            ? _broker.ReconcileAsync(group, _hasMembers, cancellationToken)
            : ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask GroupSendAsync(string group, IReadOnlyDictionary<string, object?> message, CancellationToken cancellationToken = default)
    {
        ChannelNames.ThrowIfInvalidGroup(group, nameof(group));
        var frozen = ChannelMessage.From(message);
        _metrics.Sent("group");
        if (_broker is null)
        {
            DeliverToGroup(group, frozen);
            return ValueTask.CompletedTask;
        }

        // Encoded first: a message too big for the broker fails before any member, local or remote, has it.
        var payload = _broker.Encode(EnvelopeKind.Group, group, frozen);
        DeliverToGroup(group, frozen);
        return NeedsStart ? StartThenPublishAsync(group, payload, cancellationToken) : _broker.PublishAsync(EnvelopeKind.Group, group, payload, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DiscardChannelAsync(string channel, CancellationToken cancellationToken = default)
    {
        ChannelNames.ThrowIfInvalidChannel(channel, nameof(channel));
        if (OwnerOf(channel) is not null)
        {
            throw ForeignChannel(channel, nameof(channel));
        }

        if (!_channels.TryRemove(channel, out var local))
        {
            return ValueTask.CompletedTask;
        }

        var emptied = new List<string>();
        foreach (var group in local.Close())
        {
            if (_groups.Remove(group, local, null, out var empty) && empty)
            {
                emptied.Add(group);
            }
        }

        return emptied.Count > 0 && _broker is not null ? LeaveBrokerAsync(emptied, cancellationToken) : ValueTask.CompletedTask;
    }

    /// <summary>Stops the layer: channels are discarded, the broker connection is closed.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _sweepTimer.DisposeAsync().ConfigureAwait(false);
        foreach (var channel in _channels.Values)
        {
            channel.Close();
        }

        _channels.Clear();
        if (_broker is not null)
        {
            await _broker.DisposeAsync().ConfigureAwait(false);
        }

        _metrics.Dispose();
    }

    private bool NeedsStart => _broker is not null && Volatile.Read(ref _start) is not { IsCompletedSuccessfully: true };

    private async Task StartCoreAsync()
    {
        if (_broker is not null)
        {
            await _broker.StartAsync(CancellationToken.None).ConfigureAwait(false);
        }

        ChannelLayerLog.Started(_logger, InstanceId, Backend);
    }

    private async ValueTask SendRemoteAsync(string owner, string channel, ChannelMessage message, CancellationToken cancellationToken)
    {
        var payload = _broker!.Encode(EnvelopeKind.Channel, channel, message);
        if (NeedsStart)
        {
            await StartAsync(cancellationToken).ConfigureAwait(false);
        }

        await _broker.PublishAsync(EnvelopeKind.Channel, owner, payload, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask StartThenPublishAsync(string group, System.Buffers.ArrayBufferWriter<byte> payload, CancellationToken cancellationToken)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        await _broker!.PublishAsync(EnvelopeKind.Group, group, payload, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask JoinBrokerAsync(string group, CancellationToken cancellationToken)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        await _broker!.ReconcileAsync(group, _hasMembers, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask LeaveBrokerAsync(List<string> groups, CancellationToken cancellationToken)
    {
        foreach (var group in groups)
        {
            await _broker!.ReconcileAsync(group, _hasMembers, cancellationToken).ConfigureAwait(false);
        }
    }

    private void DeliverFromBroker(BrokerEnvelope envelope)
    {
        if (envelope.Kind == EnvelopeKind.Group)
        {
            DeliverToGroup(envelope.Target, envelope.Message);
        }
        else if (OwnerOf(envelope.Target) is null)
        {
            DeliverToChannel(envelope.Target, envelope.Message, raiseWhenFull: false);
        }
        else
        {
            DropForUnknownChannel(envelope.Target);
        }
    }

    private void DeliverToChannel(string channel, ChannelMessage message, bool raiseWhenFull)
    {
        if (!_channels.TryGetValue(channel, out var local))
        {
            DropForUnknownChannel(channel);
            return;
        }

        var now = _time.GetTimestamp();
        var written = local.TryWrite(message, now, now + _messageExpiry, out var shed);
        _metrics.Dropped(DropReasons.Expired, shed);
        if (written)
        {
            _metrics.Delivered(1);
            return;
        }

        if (local.IsClosed)
        {
            DropForUnknownChannel(channel);
            return;
        }

        ReportFull(channel);
        if (raiseWhenFull)
        {
            throw new ChannelFullException(channel, _capacity);
        }
    }

    // The hot path of a group send: one array read, one non-blocking write per member, no allocation.
    private void DeliverToGroup(string group, ChannelMessage message)
    {
        var members = _groups.Members(group);
        if (members.Length == 0)
        {
            return;
        }

        var now = _time.GetTimestamp();
        var expiresAt = now + _messageExpiry;
        long delivered = 0, expired = 0;
        foreach (var member in members)
        {
            if (member.ExpiresAt <= now)
            {
                continue;   // lapsed membership: the sweep removes it
            }

            if (member.Channel.TryWrite(message, now, expiresAt, out var shed))
            {
                delivered++;
            }
            else if (!member.Channel.IsClosed)
            {
                ReportFull(member.Channel.Name);
            }

            expired += shed;
        }

        _metrics.Delivered(delivered);
        _metrics.Dropped(DropReasons.Expired, expired);
    }

    private bool TryTake(LocalChannel channel, out ChannelMessage message)
    {
        var taken = channel.TryRead(_time.GetTimestamp(), out message, out var expired);
        _metrics.Dropped(DropReasons.Expired, expired);
        return taken;
    }

    private void ReportFull(string channel)
    {
        _metrics.Dropped(DropReasons.Full);
        if (_fullReport.Occurred(1, out var count))
        {
            ChannelLayerLog.DroppedChannelFull(_logger, count, _capacity, channel);
        }
    }

    private void DropForUnknownChannel(string channel)
    {
        _metrics.Dropped(DropReasons.NoChannel);
        ChannelLayerLog.UnknownChannel(_logger, channel);
    }

    private void SweepLapsedMemberships()
    {
        var now = _time.GetTimestamp();
        var lapsed = _groups.Lapsed(now);
        if (lapsed.Count == 0)
        {
            return;
        }

        var emptied = new List<string>();
        foreach (var (group, channel) in lapsed)
        {
            if (_groups.Remove(group, channel, onlyIfExpiredBy: now, out var empty))
            {
                channel.Left(group);
                if (empty)
                {
                    emptied.Add(group);
                }
            }
        }

        ChannelLayerLog.MembershipsExpired(_logger, lapsed.Count);
        if (emptied.Count > 0 && _broker is not null)
        {
            _ = LeaveBrokerAsync(emptied, CancellationToken.None).AsTask();   // ReconcileAsync logs its own failures
        }
    }

    /// <summary>The owning instance of a process-local channel of another instance; <see langword="null"/> for one of ours.</summary>
    /// <exception cref="ArgumentException">The name is not process-local, or has no recognisable owner.</exception>
    private string? OwnerOf(string channel)
    {
        var bang = channel.IndexOf(ChannelNames.LocalSeparator, StringComparison.Ordinal);
        if (bang < 0)
        {
            throw new ArgumentException($"'{channel}' is not a process-local channel name: this layer only carries channels made by NewChannelAsync ('<prefix>.<instance>!<id>'); use groups to reach many receivers.", nameof(channel));
        }

        if (bang + 1 >= _ownerMarker.Length && string.CompareOrdinal(channel, bang + 1 - _ownerMarker.Length, _ownerMarker, 0, _ownerMarker.Length) == 0)
        {
            return null;
        }

        var dot = channel.LastIndexOf('.', bang);
        return dot >= 0 && bang - dot - 1 is > 0 and <= 32
            ? channel.Substring(dot + 1, bang - dot - 1)
            : throw new ArgumentException($"The channel name '{channel}' does not say which instance owns it ('<prefix>.<instance>!<id>').", nameof(channel));
    }

    private LocalChannel GetOwnChannel(string channel, string parameter)
    {
        ChannelNames.ThrowIfInvalidChannel(channel, parameter);
        if (OwnerOf(channel) is not null)
        {
            throw ForeignChannel(channel, parameter);
        }

        return _channels.TryGetValue(channel, out var local)
            ? local
            : throw new ArgumentException($"'{channel}' is not a channel of this instance: it was discarded, or never made by NewChannelAsync here.", parameter);
    }

    private ArgumentException ForeignChannel(string channel, string parameter) =>
        new($"The channel '{channel}' belongs to another instance; only the instance that made it ({InstanceId} is this one) can receive from it or change its groups.", parameter);

    private long ToTimestampTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}
