using AsgiBridge.Channels.Hosting;
using AsgiBridge.Channels.Nats;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses NATS as the channel layer's broker.</summary>
public static class NatsChannelLayerBuilderExtensions
{
    /// <summary>The connection-string name read by <see cref="UseNatsWhenConfigured"/>: <c>ConnectionStrings:Nats</c>.</summary>
    public const string DefaultConnectionStringName = "Nats";

    /// <summary>Connects the channel layer to NATS, so groups and channels span every instance using the same server and prefix.</summary>
    /// <param name="builder">The builder returned by <c>AddAsgiChannelLayer</c>.</param>
    /// <param name="url">The server URL, such as <c>nats://localhost:4222</c>.</param>
    /// <param name="configure">Changes the options (prefix, client settings); optional.</param>
    /// <returns>The builder.</returns>
    public static IAsgiChannelLayerBuilder UseNats(this IAsgiChannelLayerBuilder builder, string url, Action<NatsChannelBrokerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        return builder.UseBroker(sp => Create(sp, url, configure));
    }

    /// <summary>
    /// Connects the channel layer to NATS when the configuration has a connection string of that name
    /// (<c>ConnectionStrings:Nats</c>, environment <c>ConnectionStrings__Nats=nats://host:port</c>); without one the layer
    /// stays in-memory.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddAsgiChannelLayer</c>.</param>
    /// <param name="connectionStringName">The name under <c>ConnectionStrings</c>; default <c>Nats</c>.</param>
    /// <param name="configure">Changes the options; optional.</param>
    /// <returns>The builder.</returns>
    public static IAsgiChannelLayerBuilder UseNatsWhenConfigured(this IAsgiChannelLayerBuilder builder, string connectionStringName = DefaultConnectionStringName, Action<NatsChannelBrokerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionStringName);
        return builder.UseBroker(sp =>
        {
            var url = sp.GetService<IConfiguration>()?.GetConnectionString(connectionStringName);
            return string.IsNullOrWhiteSpace(url) ? null : Create(sp, url, configure);
        });
    }

    private static NatsChannelBroker Create(IServiceProvider services, string url, Action<NatsChannelBrokerOptions>? configure)
    {
        var options = new NatsChannelBrokerOptions { Url = url };
        configure?.Invoke(options);
        return new NatsChannelBroker(Microsoft.Extensions.Options.Options.Create(options), services.GetService<ILoggerFactory>());
    }
}
