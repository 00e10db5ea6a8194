using AsgiBridge.Channels;
using AsgiBridge.Channels.Hosting;
using AsgiBridge.Channels.Presence;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the channel layer.</summary>
public static class AsgiChannelLayerServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="AsgiChannelLayer"/> per application as <see cref="IAsgiChannelLayer"/> (and as itself), with
    /// <see cref="ChannelLayerOptions"/> from <paramref name="configure"/> and the options system, and a hosted service that
    /// starts it with the host. The layer is in-memory unless a broker is chosen on the returned builder
    /// (<c>.UseRedis(...)</c>, <c>.UseNats(...)</c>). Calling it again only adds configuration.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes the options; optional.</param>
    /// <returns>A builder that chooses the backend.</returns>
    public static IAsgiChannelLayerBuilder AddAsgiChannelLayer(this IServiceCollection services, Action<ChannelLayerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ChannelLayerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new AsgiChannelLayer(
            sp.GetRequiredService<IOptions<ChannelLayerOptions>>(),
            sp.GetServices<ChannelLayerBrokerFactory>().LastOrDefault()?.Create(sp),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton<IAsgiChannelLayer>(sp => sp.GetRequiredService<AsgiChannelLayer>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ChannelLayerHostedService>());
        return new ChannelLayerBuilder(services);
    }

    /// <summary>
    /// Registers <see cref="GroupPresence"/> (member counts across instances) on the layer, started with the host.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddAsgiChannelLayer</c>.</param>
    /// <returns>The builder.</returns>
    public static IAsgiChannelLayerBuilder AddGroupPresence(this IAsgiChannelLayerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(sp => new GroupPresence(sp.GetRequiredService<IAsgiChannelLayer>(), sp.GetService<TimeProvider>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, GroupPresenceHostedService>());
        return builder;
    }
}
