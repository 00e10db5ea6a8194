namespace AsgiBridge.Channels.Diagnostics;

/// <summary>
/// Counts an event that can happen once per message (a drop) and lets it be logged at most once per interval: the first
/// occurrence is reported at once, later ones are added up and reported with the next occurrence after the interval.
/// </summary>
internal sealed class RateLimitedReport(TimeProvider time, TimeSpan interval)
{
    private readonly long _interval = (long)(interval.TotalSeconds * time.TimestampFrequency);
    private long _pending;
    private long _nextReportAt;

    /// <summary>Counts one occurrence.</summary>
    /// <param name="count">How many occurred together.</param>
    /// <param name="toReport">The count to log now, when the interval has passed.</param>
    /// <returns>Whether a line should be logged now.</returns>
    public bool Occurred(long count, out long toReport)
    {
        Interlocked.Add(ref _pending, count);
        var now = time.GetTimestamp();
        var next = Volatile.Read(ref _nextReportAt);
        if (now >= next && Interlocked.CompareExchange(ref _nextReportAt, now + _interval, next) == next)
        {
            toReport = Interlocked.Exchange(ref _pending, 0);
            return toReport > 0;
        }

        toReport = 0;
        return false;
    }
}
