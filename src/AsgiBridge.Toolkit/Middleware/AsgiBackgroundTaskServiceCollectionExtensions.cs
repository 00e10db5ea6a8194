using AsgiBridge.Toolkit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the background-task tracker used by <c>pipeline.UseBackgroundTasks()</c>.</summary>
public static class AsgiBackgroundTaskServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="AsgiBackgroundTaskTracker"/> as a singleton and as a hosted service, so that graceful
    /// shutdown waits for running background tasks (at most <see cref="AsgiBackgroundTaskOptions.ShutdownTimeout"/>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options; optional.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddAsgiBackgroundTasks(this IServiceCollection services, Action<AsgiBackgroundTaskOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<AsgiBackgroundTaskOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<AsgiBackgroundTaskTracker>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AsgiBackgroundTaskTracker>(sp => sp.GetRequiredService<AsgiBackgroundTaskTracker>()));
        return services;
    }
}
