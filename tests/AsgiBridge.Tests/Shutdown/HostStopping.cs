using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.TestInfrastructure.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AsgiBridge.Tests.Shutdown;

/// <summary>Stops a <see cref="KestrelTestHost"/> as SIGTERM would (the host's <c>StopAsync</c>), with the clients it handed out still open.</summary>
internal static class HostStopping
{
    /// <summary>Starts the host's graceful stop; the returned task completes when the host has stopped.</summary>
    /// <param name="host">The host.</param>
    /// <param name="cancellationToken">The host's stop token: cancelling it means the host's shutdown time is used up.</param>
    /// <returns>The stop.</returns>
    public static Task StopAsync(this KestrelTestHost host, CancellationToken cancellationToken = default) =>
        Task.Run(() => host.Services.GetRequiredService<IHost>().StopAsync(cancellationToken), CancellationToken.None);
}

/// <summary>Log look-ups by the bridge's own categories (Kestrel reuses the same small event ids).</summary>
internal static class BridgeLogs
{
    /// <summary>The entries of <paramref name="category"/> with <paramref name="eventId"/>.</summary>
    public static IReadOnlyList<LogEntry> Bridge(this TestLogSink logs, int eventId, string category = "AsgiBridge") =>
        [.. logs.Entries.Where(e => e.Category == category && e.EventId.Id == eventId)];
}
