using AsgiBridge.Channels.Broker;

namespace AsgiBridge.Channels.Hosting;

/// <summary>The broker chosen with <see cref="IAsgiChannelLayerBuilder.UseBroker"/>; the last registration wins.</summary>
/// <param name="Create">Creates the broker, or returns <see langword="null"/> for the in-memory layer.</param>
internal sealed record ChannelLayerBrokerFactory(Func<IServiceProvider, IChannelLayerBroker?> Create);
