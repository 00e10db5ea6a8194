using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace AsgiBridge.Channels.Tests.Infrastructure;

/// <summary>
/// A meter factory of one layer's own, and a listener that adds up that layer's <c>AsgiBridge.Channels</c> measurements
/// by instrument and tag (<c>asgi.channels.messages.dropped/full</c>), so tests of one instance never count another's.
/// </summary>
public sealed class LayerMeter : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new(StringComparer.Ordinal);

    public LayerMeter()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        Factory = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, Factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name;
            foreach (var tag in tags)
            {
                key += "/" + tag.Value;
            }

            _totals.AddOrUpdate(key, value, (_, total) => total + value);
        });
        _listener.Start();
    }

    /// <summary>The factory to give the layer.</summary>
    public IMeterFactory Factory { get; }

    /// <summary>The total of an instrument (and tag value), such as <c>asgi.channels.messages.dropped/full</c>.</summary>
    public long Total(string key) => _totals.TryGetValue(key, out var total) ? total : 0;

    /// <inheritdoc />
    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }
}
