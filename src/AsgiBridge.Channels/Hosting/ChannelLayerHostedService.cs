using Microsoft.Extensions.Hosting;

namespace AsgiBridge.Channels.Hosting;

/// <summary>
/// Starts the layer with the host, so the broker connection is made (and an unreachable broker logged) before the first
/// request, and stops it after the server has drained its connections.
/// </summary>
internal sealed class ChannelLayerHostedService(AsgiChannelLayer layer) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => layer.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;   // the container disposes the layer
}
