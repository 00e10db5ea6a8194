using AsgiBridge.Lifespan;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AsgiBridge.Hosting;

/// <summary>
/// Gives the host's shutdown enough time for the bridge's graceful shutdown: the drain (<see cref="AsgiOptions.ShutdownDrainTimeout"/>)
/// runs inside the server's stop, which the host bounds with <see cref="HostOptions.ShutdownTimeout"/>. The timeout is only
/// ever raised, never lowered.
/// </summary>
internal sealed class AsgiHostOptionsSetup(IOptions<AsgiOptions> asgiOptions) : IPostConfigureOptions<HostOptions>
{
    public void PostConfigure(string? name, HostOptions options)
    {
        var drain = asgiOptions.Value.ShutdownDrainTimeout;
        if (drain == Timeout.InfiniteTimeSpan)
        {
            options.ShutdownTimeout = Timeout.InfiniteTimeSpan;
            return;
        }

        var needed = drain + TimeSpan.FromSeconds(5);
        if (options.ShutdownTimeout != Timeout.InfiniteTimeSpan && options.ShutdownTimeout < needed)
        {
            options.ShutdownTimeout = needed;
        }
    }
}
