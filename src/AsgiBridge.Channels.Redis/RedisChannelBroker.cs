using System.Collections.Concurrent;
using AsgiBridge.Channels.Broker;
using AsgiBridge.Channels.Redis.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using RedisMessage = StackExchange.Redis.ChannelMessage;

namespace AsgiBridge.Channels.Redis;

/// <summary>
/// Redis pub/sub under the channel layer, the design of SignalR's Redis backplane: every instance subscribes to
/// <c>&lt;prefix&gt;:instance:&lt;id&gt;</c> and to <c>&lt;prefix&gt;:group:&lt;group&gt;</c> for each group that has members on it,
/// so a group send is one <c>PUBLISH</c> and Redis stores nothing. Subscriptions are read through StackExchange.Redis's
/// ordered message queues (one channel's messages are handled in order). While Redis is unreachable nothing is queued:
/// publishes return <see langword="false"/> at once (fail-fast backlog), StackExchange.Redis reconnects by itself, and
/// subscriptions that could not be made are made when the connection is back.
/// </summary>
public sealed class RedisChannelBroker : IChannelLayerBroker
{
    private const int MaxCachedChannels = 4096;

    private readonly RedisChannelBrokerOptions _options;
    private readonly ILogger _logger;
    private readonly BrokerSubscriptions<ChannelMessageQueue> _subscriptions;
    private readonly ConcurrentDictionary<string, RedisChannel> _groupChannels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RedisChannel> _instanceChannels = new(StringComparer.Ordinal);
    private readonly Action<RedisMessage> _onMessage;
    private ConnectionMultiplexer? _redis;
    private ISubscriber? _subscriber;
    private IChannelLayerBrokerCallbacks? _callbacks;
    private int _disposed;

    /// <summary>Creates the broker.</summary>
    /// <param name="options">The connection string and channel prefix.</param>
    /// <param name="loggerFactory">Where connection events are logged (category <c>AsgiBridge.Channels.Redis</c>); optional.</param>
    public RedisChannelBroker(IOptions<RedisChannelBrokerOptions> options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        if (string.IsNullOrWhiteSpace(_options.ConnectionString))
        {
            throw new ArgumentException("RedisChannelBrokerOptions.ConnectionString is empty: set ConnectionStrings:Redis (environment ConnectionStrings__Redis=host:port) or pass one to UseRedis.", nameof(options));
        }

        if (string.IsNullOrEmpty(_options.Prefix) || _options.Prefix.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("RedisChannelBrokerOptions.Prefix must be non-empty and contain no ':'.", nameof(options));
        }

        _logger = loggerFactory?.CreateLogger(RedisBrokerLog.Category) ?? NullLogger.Instance;
        _onMessage = OnRedisMessage;
        _subscriptions = new BrokerSubscriptions<ChannelMessageQueue>(TrySubscribeAsync);
    }

    /// <inheritdoc />
    public string Name => "redis";

    /// <inheritdoc />
    public async ValueTask StartAsync(string instanceId, IChannelLayerBrokerCallbacks callbacks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        _callbacks = callbacks ?? throw new ArgumentNullException(nameof(callbacks));
        var configuration = ConfigurationOptions.Parse(_options.ConnectionString);
        configuration.AbortOnConnectFail = false;                    // start (and keep retrying) while Redis is down
        configuration.BacklogPolicy = BacklogPolicy.FailFast;        // never queue while disconnected: no unbounded backlog
        configuration.ReconnectRetryPolicy = new LinearRetry(1000);  // try again every second, so delivery resumes quickly
        configuration.ClientName ??= "asgibridge-channels-" + instanceId;
        _options.ConfigureConnection?.Invoke(configuration);

        RedisBrokerLog.Connecting(_logger, string.Join(',', configuration.EndPoints.Select(e => e.ToString())), _options.Prefix);
        var redis = await ConnectionMultiplexer.ConnectAsync(configuration).WaitAsync(cancellationToken).ConfigureAwait(false);
        redis.ConnectionFailed += OnConnectionFailed;
        redis.ConnectionRestored += OnConnectionRestored;
        _redis = redis;
        _subscriber = redis.GetSubscriber();

        await _subscriptions.AddAsync(InstanceChannel(instanceId)).ConfigureAwait(false);
        if (!redis.IsConnected)
        {
            callbacks.OnConnectionLost(null);
        }
    }

    /// <inheritdoc />
    public async ValueTask SubscribeGroupAsync(string group, CancellationToken cancellationToken) =>
        await _subscriptions.AddAsync(GroupChannel(group)).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask UnsubscribeGroupAsync(string group, CancellationToken cancellationToken)
    {
        if (await _subscriptions.RemoveAsync(GroupChannel(group)).ConfigureAwait(false) is { } queue)
        {
            await UnsubscribeAsync(queue).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> PublishToGroupAsync(string group, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        PublishAsync(_groupChannels, group, static (prefix, g) => $"{prefix}:group:{g}", payload);

    /// <inheritdoc />
    public ValueTask<bool> PublishToInstanceAsync(string instanceId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        PublishAsync(_instanceChannels, instanceId, static (prefix, id) => $"{prefix}:instance:{id}", payload);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _subscriptions.ClearAsync().ConfigureAwait(false);   // closing the connection ends every queue
        if (_redis is { } redis)
        {
            redis.ConnectionFailed -= OnConnectionFailed;
            redis.ConnectionRestored -= OnConnectionRestored;
            await redis.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
            await redis.DisposeAsync().ConfigureAwait(false);
        }

        _subscriptions.Dispose();
    }

    private string GroupChannel(string group) => $"{_options.Prefix}:group:{group}";

    private string InstanceChannel(string instanceId) => $"{_options.Prefix}:instance:{instanceId}";

    // Channels are cached per target (bounded): a RedisChannel holds the name's bytes, made once instead of per publish.
    private async ValueTask<bool> PublishAsync(ConcurrentDictionary<string, RedisChannel> cache, string target, Func<string, string, string> channelName, ReadOnlyMemory<byte> payload)
    {
        var subscriber = _subscriber;
        if (subscriber is null || _redis is not { IsConnected: true })
        {
            return false;
        }

        if (!cache.TryGetValue(target, out var channel))
        {
            if (cache.Count >= MaxCachedChannels)
            {
                cache.Clear();
            }

            channel = RedisChannel.Literal(channelName(_options.Prefix, target));
            cache[target] = channel;
        }

        try
        {
            // Copied: a write that times out may still leave later, after the caller reused its buffer.
            await subscriber.PublishAsync(channel, payload.ToArray()).ConfigureAwait(false);
            return true;
        }
        catch (RedisException e)
        {
            RedisBrokerLog.PublishFailed(_logger, (string?)channel ?? target, e);
            return false;
        }
    }

    private static async Task UnsubscribeAsync(ChannelMessageQueue queue)
    {
        try
        {
            await queue.UnsubscribeAsync().ConfigureAwait(false);
        }
        catch (RedisException)
        {
            // Disconnected: the server side of the subscription died with the connection.
        }
    }

    private async Task<ChannelMessageQueue?> TrySubscribeAsync(string name)
    {
        var subscriber = _subscriber!;
        if (!subscriber.IsConnected())
        {
            return null;   // made by RestoreAsync when the connection is back
        }

        var channel = RedisChannel.Literal(name);
        try
        {
            var queue = await subscriber.SubscribeAsync(channel).ConfigureAwait(false);
            queue.OnMessage(_onMessage);
            return queue;
        }
        catch (RedisException e)
        {
            RedisBrokerLog.SubscribeDeferred(_logger, name, e);
            try
            {
                // The failed call may have registered a queue that nobody reads: remove it, it is made again later.
                await subscriber.UnsubscribeAsync(channel).ConfigureAwait(false);
            }
            catch (RedisException)
            {
                // Disconnected: nothing on the server to undo.
            }

            return null;
        }
    }

    private async Task RestoreAsync()
    {
        try
        {
            if (Volatile.Read(ref _disposed) == 0
                && await _subscriptions.RestoreAsync().ConfigureAwait(false)
                && _redis is { IsConnected: true }
                && _subscriber!.IsConnected())
            {
                _callbacks?.OnConnectionRestored();
            }
        }
        catch (ObjectDisposedException)
        {
            // Disposed while the connection came back.
        }
    }

    private void OnRedisMessage(RedisMessage message) => _callbacks?.OnMessage(((ReadOnlyMemory<byte>)message.Message).Span);

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        RedisBrokerLog.ConnectionFailed(_logger, e.ConnectionType.ToString(), e.EndPoint?.ToString() ?? "?", e.FailureType.ToString());
        _callbacks?.OnConnectionLost(e.Exception);
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        RedisBrokerLog.ConnectionRestored(_logger, e.ConnectionType.ToString(), e.EndPoint?.ToString() ?? "?");
        _ = RestoreAsync();
    }
}
