namespace AsgiBridge.Tests.LongLived;

/// <summary>Counts how many calls are in flight at once, to prove a test really exercised concurrent sends.</summary>
internal sealed class OverlapMeter
{
    private int _current;
    private int _max;

    /// <summary>The most calls that were in flight together.</summary>
    public int Max => Volatile.Read(ref _max);

    /// <summary>Marks a call as in flight until the returned scope is disposed.</summary>
    public Scope Enter()
    {
        var now = Interlocked.Increment(ref _current);
        int seen;
        while (now > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, seen) != seen)
        {
        }

        return new Scope(this);
    }

    public readonly struct Scope(OverlapMeter meter) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref meter._current);
    }
}
