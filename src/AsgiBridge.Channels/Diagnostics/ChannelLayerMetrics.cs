using System.Diagnostics.Metrics;

namespace AsgiBridge.Channels.Diagnostics;

/// <summary>
/// The layer's instruments on the meter <c>AsgiBridge.Channels</c>: messages sent, delivered into local queues and dropped
/// (by reason), broker publishes and receipts. Tags are constant strings, so recording allocates nothing.
/// </summary>
internal sealed class ChannelLayerMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "AsgiBridge.Channels";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _published;
    private readonly Counter<long> _received;

    public ChannelLayerMetrics(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _sent = _meter.CreateCounter<long>("asgi.channels.messages.sent", "{message}", "Messages handed to the layer by send and group_send (tag kind).");
        _delivered = _meter.CreateCounter<long>("asgi.channels.messages.delivered", "{message}", "Messages placed in a local channel's queue.");
        _dropped = _meter.CreateCounter<long>("asgi.channels.messages.dropped", "{message}", "Messages not delivered (tag reason: full, expired, no_channel, broker_unavailable, malformed).");
        _published = _meter.CreateCounter<long>("asgi.channels.broker.published", "{message}", "Messages published to the broker (one per group_send, one per remote send).");
        _received = _meter.CreateCounter<long>("asgi.channels.broker.received", "{message}", "Messages received from the broker and addressed to this instance.");
    }

    public void Sent(string kind) => _sent.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void Delivered(long count) => _delivered.Add(count);

    public void Dropped(string reason, long count = 1)
    {
        if (count > 0)
        {
            _dropped.Add(count, new KeyValuePair<string, object?>("reason", reason));
        }
    }

    public void Published() => _published.Add(1);

    public void Received() => _received.Add(1);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
