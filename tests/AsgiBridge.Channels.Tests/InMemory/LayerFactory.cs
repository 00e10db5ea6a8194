using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AsgiBridge.Channels.Tests.InMemory;

/// <summary>In-memory layers for tests, on a fake clock when expiry is tested.</summary>
internal static class LayerFactory
{
    public static AsgiChannelLayer Create(Action<ChannelLayerOptions>? configure = null, TimeProvider? time = null, Infrastructure.LayerMeter? meter = null, Infrastructure.TestLog? log = null)
    {
        var options = new ChannelLayerOptions();
        configure?.Invoke(options);
        return new AsgiChannelLayer(Options.Create(options), broker: null, log, time, meter?.Factory);
    }

    public static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
}
