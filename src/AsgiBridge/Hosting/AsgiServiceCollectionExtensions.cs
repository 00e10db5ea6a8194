using AsgiBridge.Hosting;
using AsgiBridge.Lifespan;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the ASGI bridge's services.</summary>
public static class AsgiServiceCollectionExtensions
{
    /// <summary>
    /// Registers the ASGI bridge: its <see cref="AsgiOptions"/>, the hosted service that runs the lifespan protocol of every
    /// application mounted with <c>UseAsgi</c>/<c>MapAsgi</c> and the graceful shutdown of their connections. It also
    /// makes Kestrel carry header bytes unchanged (Latin-1 both ways, unless an encoding selector of the application
    /// chooses otherwise) and raises <c>HostOptions.ShutdownTimeout</c> when it is shorter than the shutdown drain.
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

        services.TryAddSingleton<AsgiBridgeRuntime>();
        services.TryAddSingleton<AsgiAppRegistry>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KestrelServerOptions>, AsgiKestrelOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<HostOptions>, AsgiHostOptionsSetup>());
        if (!services.Any(static d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(AsgiLifespanService)))
        {
            services.AddHostedService<AsgiLifespanService>();
            services.AddHostedService<AsgiShutdownService>();
        }

        LifespanStartupFailureExit.Install();
        return services;
    }
}
