using System.Collections.Concurrent;
using AsgiBridge.Channels.Broker;
using AsgiBridge.Channels.Nats.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace AsgiBridge.Channels.Nats;

/// <summary>
/// Core NATS publish/subscribe under the channel layer, the design of channels-nats: every instance subscribes to
/// <c>&lt;prefix&gt;.instance.&lt;id&gt;</c> and to <c>&lt;prefix&gt;.group.&lt;group&gt;</c> for each group that has members on it,
/// so a group send is one publish and NATS stores nothing. The connection does not echo its own publishes back (the
/// sending instance delivered to its members already). While NATS is unreachable nothing is queued: publishes return
/// <see langword="false"/> at once, the client reconnects by itself (restoring its subscriptions), and subscriptions that
/// could not be made are made when the connection is open again.
/// </summary>
public sealed class NatsChannelBroker : IChannelLayerBroker
{
    private const int MaxCachedSubjects = 4096;

    private readonly NatsChannelBrokerOptions _options;
    private readonly ILogger _logger;
    private readonly BrokerSubscriptions<Subscription> _subscriptions;
    private readonly ConcurrentDictionary<string, string> _groupSubjects = new(StringComparer.Ordinal);
    private NatsConnection? _nats;
    private IChannelLayerBrokerCallbacks? _callbacks;
    private int _disposed;

    /// <summary>Creates the broker.</summary>
    /// <param name="options">The server URL and subject prefix.</param>
    /// <param name="loggerFactory">Where connection events are logged (category <c>AsgiBridge.Channels.Nats</c>); optional.</param>
    public NatsChannelBroker(IOptions<NatsChannelBrokerOptions> options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        if (string.IsNullOrWhiteSpace(_options.Url))
        {
            throw new ArgumentException("NatsChannelBrokerOptions.Url is empty: set ConnectionStrings:Nats (environment ConnectionStrings__Nats=nats://host:port) or pass one to UseNats.", nameof(options));
        }

        if (string.IsNullOrEmpty(_options.Prefix) || _options.Prefix.AsSpan().IndexOfAny(". *>") >= 0)
        {
            throw new ArgumentException("NatsChannelBrokerOptions.Prefix must be one non-empty subject token (no '.', '*', '>' or spaces).", nameof(options));
        }

        _logger = loggerFactory?.CreateLogger(NatsBrokerLog.Category) ?? NullLogger.Instance;
        _subscriptions = new BrokerSubscriptions<Subscription>(TrySubscribeAsync);
    }

    /// <inheritdoc />
    public string Name => "nats";

    /// <inheritdoc />
    public async ValueTask StartAsync(string instanceId, IChannelLayerBrokerCallbacks callbacks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        _callbacks = callbacks ?? throw new ArgumentNullException(nameof(callbacks));
        var opts = NatsOpts.Default with
        {
            Url = _options.Url,
            Name = "asgibridge-channels-" + instanceId,
            Echo = false,                            // our own group sends were delivered locally already
            RetryOnInitialConnect = true,            // an instance may start before its broker
            MaxReconnectRetry = -1,
            ReconnectWaitMin = TimeSpan.FromMilliseconds(250),
            ReconnectWaitMax = TimeSpan.FromSeconds(1),
            PublishTimeoutOnDisconnected = true,     // never hold a publish until the broker is back
        };
        opts = _options.ConfigureConnection?.Invoke(opts) ?? opts;

        NatsBrokerLog.Connecting(_logger, opts.Url, _options.Prefix);
        var nats = new NatsConnection(opts);
        nats.ConnectionDisconnected += OnDisconnectedAsync;
        nats.ConnectionOpened += OnOpenedAsync;
        _nats = nats;

        var connect = nats.ConnectAsync().AsTask();
        var waited = await Task.WhenAny(connect, Task.Delay(_options.InitialConnectWait, cancellationToken)).ConfigureAwait(false);
        if (waited != connect || !connect.IsCompletedSuccessfully)
        {
            // Go on without NATS: the client keeps trying and OnOpenedAsync makes the subscriptions.
            _ = connect.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            callbacks.OnConnectionLost(connect.Exception?.GetBaseException());
        }

        await _subscriptions.AddAsync($"{_options.Prefix}.instance.{instanceId}").ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask SubscribeGroupAsync(string group, CancellationToken cancellationToken) =>
        await _subscriptions.AddAsync(GroupSubject(group)).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask UnsubscribeGroupAsync(string group, CancellationToken cancellationToken)
    {
        if (await _subscriptions.RemoveAsync(GroupSubject(group)).ConfigureAwait(false) is { } subscription)
        {
            await subscription.StopAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> PublishToGroupAsync(string group, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        PublishAsync(GroupSubject(group), payload, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> PublishToInstanceAsync(string instanceId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        PublishAsync($"{_options.Prefix}.instance.{instanceId}", payload, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var subscriptions = await _subscriptions.ClearAsync().ConfigureAwait(false);

        if (_nats is { } nats)
        {
            nats.ConnectionDisconnected -= OnDisconnectedAsync;
            nats.ConnectionOpened -= OnOpenedAsync;
            await nats.DisposeAsync().ConfigureAwait(false);   // completes every subscription's message channel
        }

        foreach (var subscription in subscriptions)
        {
            await subscription.Pump.ConfigureAwait(false);
        }

        _subscriptions.Dispose();
    }

    // Group names may hold '.', which would split the subject into tokens (and ".." into an empty, invalid one); '~' can
    // never be in a group name, so the mapping is one-to-one.
    private string GroupSubject(string group)
    {
        if (_groupSubjects.TryGetValue(group, out var subject))
        {
            return subject;
        }

        if (_groupSubjects.Count >= MaxCachedSubjects)
        {
            _groupSubjects.Clear();
        }

        subject = $"{_options.Prefix}.group.{group.Replace('.', '~')}";
        _groupSubjects[group] = subject;
        return subject;
    }

    private async ValueTask<bool> PublishAsync(string subject, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (_nats is not { ConnectionState: NatsConnectionState.Open } nats)
        {
            return false;
        }

        try
        {
            await nats.PublishAsync(subject, payload, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (NatsException e)
        {
            NatsBrokerLog.PublishFailed(_logger, subject, e);
            return false;
        }
    }

    private async Task<Subscription?> TrySubscribeAsync(string subject)
    {
        if (_nats is not { ConnectionState: NatsConnectionState.Open } nats)
        {
            return null;   // made by OnOpenedAsync
        }

        Subscription subscription;
        try
        {
            var sub = await nats.SubscribeCoreAsync<NatsMemoryOwner<byte>>(subject).ConfigureAwait(false);
            subscription = new Subscription(sub, Task.Run(() => PumpAsync(sub)));
        }
        catch (NatsException e)
        {
            NatsBrokerLog.SubscribeDeferred(_logger, subject, e);
            return null;
        }

        try
        {
            // A round trip: once it returns the server has processed the SUB, so a publish from anywhere after this reaches us.
            await nats.PingAsync().ConfigureAwait(false);
        }
        catch (NatsException)
        {
            // Disconnected meanwhile: the client re-sends the SUB itself when it reconnects.
        }

        return subscription;
    }

    private async Task PumpAsync(INatsSub<NatsMemoryOwner<byte>> sub)
    {
        try
        {
            await foreach (var message in sub.Msgs.ReadAllAsync().ConfigureAwait(false))
            {
                using var data = message.Data;
                _callbacks?.OnMessage(data.Span);
            }
        }
        catch (Exception e) when (Volatile.Read(ref _disposed) == 0)
        {
            NatsBrokerLog.SubscriptionStopped(_logger, sub.Subject, e);
        }
    }

    private ValueTask OnDisconnectedAsync(object? sender, NatsEventArgs args)
    {
        NatsBrokerLog.Disconnected(_logger, args.Message);
        _callbacks?.OnConnectionLost(null);
        return ValueTask.CompletedTask;
    }

    private async ValueTask OnOpenedAsync(object? sender, NatsEventArgs args)
    {
        NatsBrokerLog.Connected(_logger, args.Message);
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        try
        {
            if (await _subscriptions.RestoreAsync().ConfigureAwait(false))
            {
                _callbacks?.OnConnectionRestored();
            }
        }
        catch (ObjectDisposedException)
        {
            // Disposed while the connection came back.
        }
    }

    /// <summary>One live subscription and the task that hands its messages to the layer in order.</summary>
    private sealed record Subscription(INatsSub<NatsMemoryOwner<byte>> Sub, Task Pump)
    {
        public async Task StopAsync()
        {
            try
            {
                await Sub.UnsubscribeAsync().ConfigureAwait(false);
            }
            catch (NatsException)
            {
                // Disconnected: the server forgot the subscription with the connection.
            }

            await Pump.ConfigureAwait(false);
        }
    }
}
