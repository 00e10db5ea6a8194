using AsgiBridge;
using AsgiBridge.Hosting;
using AsgiBridge.Lifespan;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the ASGI bridge's services.</summary>
public static class AsgiServiceCollectionExtensions
{
    /// <summary>
    /// Registers the ASGI bridge, its <see cref="AsgiOptions"/>, and the hosted service that runs the lifespan protocol of
    /// every application mounted with <c>UseAsgi</c>/<c>MapAsgi</c>; it also lets Kestrel send response header values as
    /// Latin-1 bytes (ASGI header values are byte strings) unless an encoding selector of the application chooses otherwise.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options; optional.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddAsgi(this IServiceCollection services, Action<AsgiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<AsgiOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<AsgiAppRegistry>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KestrelServerOptions>, AsgiKestrelOptionsSetup>());
        services.AddHostedService<AsgiLifespanService>();

        return services;
    }
}
