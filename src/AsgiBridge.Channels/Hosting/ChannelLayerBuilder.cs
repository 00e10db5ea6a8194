using AsgiBridge.Channels.Broker;
using Microsoft.Extensions.DependencyInjection;

namespace AsgiBridge.Channels.Hosting;

/// <summary>The builder behind <c>AddAsgiChannelLayer</c>: records the broker factory in the container.</summary>
internal sealed class ChannelLayerBuilder(IServiceCollection services) : IAsgiChannelLayerBuilder
{
    public IServiceCollection Services { get; } = services;

    public IAsgiChannelLayerBuilder UseBroker(Func<IServiceProvider, IChannelLayerBroker?> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.AddSingleton(new ChannelLayerBrokerFactory(factory));
        return this;
    }
}
