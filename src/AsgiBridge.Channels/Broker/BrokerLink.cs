using System.Buffers;
using System.Collections.Concurrent;
using AsgiBridge.Channels.Diagnostics;
using AsgiBridge.Channels.Serialization;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Channels.Broker;

/// <summary>
/// The layer's side of a broker: encodes envelopes into pooled buffers, publishes them without ever queueing, keeps the
/// broker's group subscriptions in step with local membership, decodes what arrives, and turns connectivity reports into
/// one log line per outage. Broker failures never reach the application: a message that cannot cross is counted as dropped.
/// </summary>
internal sealed class BrokerLink : IChannelLayerBrokerCallbacks, IAsyncDisposable
{
    private const int SubscriptionStripes = 32;

    private readonly IChannelLayerBroker _broker;
    private readonly string _instanceId;
    private readonly Action<BrokerEnvelope> _deliver;
    private readonly ILogger _logger;
    private readonly ChannelLayerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly int _maxMessageBytes;
    private readonly PayloadBufferPool _buffers = new();
    private readonly ConcurrentDictionary<string, byte> _subscribed = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim[] _stripes;
    private readonly RateLimitedReport _publishFailures;
    private readonly RateLimitedReport _malformed;
    private int _down;
    private long _downSince;

    public BrokerLink(IChannelLayerBroker broker, string instanceId, Action<BrokerEnvelope> deliver, ILogger logger, ChannelLayerMetrics metrics, TimeProvider time, ChannelLayerOptions options)
    {
        _broker = broker;
        _instanceId = instanceId;
        _deliver = deliver;
        _logger = logger;
        _metrics = metrics;
        _time = time;
        _maxMessageBytes = options.MaxMessageBytes;
        _publishFailures = new RateLimitedReport(time, options.DropLogInterval);
        _malformed = new RateLimitedReport(time, options.DropLogInterval);
        _stripes = new SemaphoreSlim[SubscriptionStripes];
        for (var i = 0; i < _stripes.Length; i++)
        {
            _stripes[i] = new SemaphoreSlim(1, 1);
        }
    }

    public string Name => _broker.Name;

    /// <summary>Whether the broker is known to be unreachable now.</summary>
    public bool IsDown => Volatile.Read(ref _down) == 1;

    public ValueTask StartAsync(CancellationToken cancellationToken) => _broker.StartAsync(_instanceId, this, cancellationToken);

    /// <summary>Serializes a message for the broker, checking its size before anything is delivered anywhere.</summary>
    /// <exception cref="InvalidChannelMessageException">The message is larger than <see cref="ChannelLayerOptions.MaxMessageBytes"/>.</exception>
    public ArrayBufferWriter<byte> Encode(EnvelopeKind kind, string target, ChannelMessage message)
    {
        var buffer = _buffers.Rent();
        try
        {
            new BrokerEnvelope(kind, _instanceId, target, message).WriteTo(buffer);
        }
        catch
        {
            _buffers.Return(buffer);
            throw;
        }

        if (buffer.WrittenCount > _maxMessageBytes)
        {
            var size = buffer.WrittenCount;
            _buffers.Return(buffer);
            throw new InvalidChannelMessageException("(message)", $"serializes to {size} bytes, more than ChannelLayerOptions.MaxMessageBytes ({_maxMessageBytes}).");
        }

        return buffer;
    }

    /// <summary>Publishes an encoded message (to a group's subject, or to the instance owning a channel) and returns its buffer.</summary>
    public async ValueTask PublishAsync(EnvelopeKind kind, string subject, ArrayBufferWriter<byte> payload, CancellationToken cancellationToken)
    {
        try
        {
            var sent = kind == EnvelopeKind.Group
                ? await _broker.PublishToGroupAsync(subject, payload.WrittenMemory, cancellationToken).ConfigureAwait(false)
                : await _broker.PublishToInstanceAsync(subject, payload.WrittenMemory, cancellationToken).ConfigureAwait(false);
            if (sent)
            {
                _metrics.Published();
            }
            else
            {
                // The outage itself was logged once when it began.
                _metrics.Dropped(DropReasons.BrokerUnavailable);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _metrics.Dropped(DropReasons.BrokerUnavailable);
            if (_publishFailures.Occurred(1, out var count) && !IsDown)
            {
                ChannelLayerLog.PublishFailed(_logger, count, _broker.Name, e);
            }
        }
        finally
        {
            _buffers.Return(payload);
        }
    }

    /// <summary>
    /// Brings the broker subscription of a group in line with whether it has members here. Changes for one group run one at a
    /// time (a join racing the last leave cannot end unsubscribed), different groups in parallel.
    /// </summary>
    public async ValueTask ReconcileAsync(string group, Func<string, bool> hasMembers, CancellationToken cancellationToken)
    {
        if (_subscribed.ContainsKey(group) == hasMembers(group))
        {
            return;   // already in line: the common case of a join to a group that has members here
        }

        var gate = _stripes[(uint)StringComparer.Ordinal.GetHashCode(group) % SubscriptionStripes];
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The broker calls are not cancelled halfway: the state they leave must match _subscribed.
            var wanted = hasMembers(group);
            if (wanted && !_subscribed.ContainsKey(group))
            {
                await _broker.SubscribeGroupAsync(group, CancellationToken.None).ConfigureAwait(false);
                _subscribed[group] = 0;
            }
            else if (!wanted && _subscribed.TryRemove(group, out _))
            {
                await _broker.UnsubscribeGroupAsync(group, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            ChannelLayerLog.SubscriptionFailed(_logger, group, _broker.Name, e);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc />
    public void OnMessage(ReadOnlySpan<byte> payload)
    {
        BrokerEnvelope envelope;
        try
        {
            envelope = BrokerEnvelope.Read(payload);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidChannelMessageException or System.Text.DecoderFallbackException)
        {
            _metrics.Dropped(DropReasons.Malformed);
            if (_malformed.Occurred(1, out var count))
            {
                ChannelLayerLog.Malformed(_logger, count, e);
            }

            return;
        }

        if (envelope.Origin == _instanceId)
        {
            return;   // our own group send coming back: local members already have it
        }

        _metrics.Received();
        _deliver(envelope);
    }

    /// <inheritdoc />
    public void OnConnectionLost(Exception? cause)
    {
        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            Volatile.Write(ref _downSince, _time.GetTimestamp());
            ChannelLayerLog.BrokerUnavailable(_logger, _broker.Name, cause);
        }
    }

    /// <inheritdoc />
    public void OnConnectionRestored()
    {
        if (Interlocked.Exchange(ref _down, 0) == 1)
        {
            ChannelLayerLog.BrokerRestored(_logger, _broker.Name, _time.GetElapsedTime(Volatile.Read(ref _downSince)).TotalSeconds);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _broker.DisposeAsync().ConfigureAwait(false);
        foreach (var stripe in _stripes)
        {
            stripe.Dispose();
        }
    }
}
