using AsgiBridge.TestInfrastructure.Logging;

namespace AsgiBridge.Tests.Shutdown;

/// <summary>Log look-ups by the bridge's own categories (Kestrel reuses the same small event ids).</summary>
internal static class BridgeLogs
{
    /// <summary>The entries of <paramref name="category"/> with <paramref name="eventId"/>.</summary>
    public static IReadOnlyList<LogEntry> Bridge(this TestLogSink logs, int eventId, string category = "AsgiBridge") =>
        [.. logs.Entries.Where(e => e.Category == category && e.EventId.Id == eventId)];
}
