using AsgiBridge.Transport;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the larger transport blocks of the hosting recipe.</summary>
public static class AsgiTransportServiceCollectionExtensions
{
    /// <summary>
    /// Makes Kestrel read into and write from blocks of <see cref="TransportBlockOptions.BlockSize"/> bytes (64 KiB by
    /// default) instead of 4 KiB, so a request body of up to that size is received in one <c>recv</c> rather than one per
    /// 4 KiB. This applies to every connection of the server, not only to ASGI applications: it trades memory per
    /// connection that is reading (one block each) for fewer system calls on body workloads. Opt-in; see the hosting
    /// recipe in bench/README.md for what it gains and costs.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the blocks; optional.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddAsgiTransportBlocks(this IServiceCollection services, Action<TransportBlockOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<TransportBlockOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TransportBlockOptions>, TransportBlockOptionsValidation>());

        // Replaces Kestrel's factory whether it was registered before (WebApplication.CreateBuilder) or is added later
        // with TryAdd; the last registration is the one Kestrel resolves.
        services.RemoveAll<IMemoryPoolFactory<byte>>();
        services.AddSingleton<IMemoryPoolFactory<byte>, TransportBlockPoolFactory>();
        return services;
    }
}
