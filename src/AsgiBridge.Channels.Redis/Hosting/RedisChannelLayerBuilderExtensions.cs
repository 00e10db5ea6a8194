using AsgiBridge.Channels.Hosting;
using AsgiBridge.Channels.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses Redis as the channel layer's broker.</summary>
public static class RedisChannelLayerBuilderExtensions
{
    /// <summary>The connection-string name read by <see cref="UseRedisWhenConfigured"/>: <c>ConnectionStrings:Redis</c>.</summary>
    public const string DefaultConnectionStringName = "Redis";

    /// <summary>Connects the channel layer to Redis, so groups and channels span every instance using the same Redis and prefix.</summary>
    /// <param name="builder">The builder returned by <c>AddAsgiChannelLayer</c>.</param>
    /// <param name="connectionString">A StackExchange.Redis configuration string, such as <c>localhost:6379</c>.</param>
    /// <param name="configure">Changes the options (prefix, connection settings); optional.</param>
    /// <returns>The builder.</returns>
    public static IAsgiChannelLayerBuilder UseRedis(this IAsgiChannelLayerBuilder builder, string connectionString, Action<RedisChannelBrokerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseBroker(sp => Create(sp, connectionString, configure));
    }

    /// <summary>
    /// Connects the channel layer to Redis when the configuration has a connection string of that name
    /// (<c>ConnectionStrings:Redis</c>, environment <c>ConnectionStrings__Redis=host:port</c>); without one the layer stays
    /// in-memory and the instance runs alone.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddAsgiChannelLayer</c>.</param>
    /// <param name="connectionStringName">The name under <c>ConnectionStrings</c>; default <c>Redis</c>.</param>
    /// <param name="configure">Changes the options (prefix, connection settings); optional.</param>
    /// <returns>The builder.</returns>
    public static IAsgiChannelLayerBuilder UseRedisWhenConfigured(this IAsgiChannelLayerBuilder builder, string connectionStringName = DefaultConnectionStringName, Action<RedisChannelBrokerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionStringName);
        return builder.UseBroker(sp =>
        {
            var connectionString = sp.GetService<IConfiguration>()?.GetConnectionString(connectionStringName);
            return string.IsNullOrWhiteSpace(connectionString) ? null : Create(sp, connectionString, configure);
        });
    }

    private static RedisChannelBroker Create(IServiceProvider services, string connectionString, Action<RedisChannelBrokerOptions>? configure)
    {
        var options = new RedisChannelBrokerOptions { ConnectionString = connectionString };
        configure?.Invoke(options);
        return new RedisChannelBroker(Microsoft.Extensions.Options.Options.Create(options), services.GetService<ILoggerFactory>());
    }
}
