using AsgiBridge.Channels.Presence;
using Microsoft.Extensions.Hosting;

namespace AsgiBridge.Channels.Hosting;

/// <summary>Starts <see cref="GroupPresence"/> with the host (the container disposes it).</summary>
internal sealed class GroupPresenceHostedService(GroupPresence presence) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => presence.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
