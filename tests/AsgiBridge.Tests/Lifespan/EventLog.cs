using System.Collections.Concurrent;

namespace AsgiBridge.Tests.Lifespan;

/// <summary>An ordered, thread-safe record of what happened, to assert orderings on.</summary>
internal sealed class EventLog
{
    private readonly ConcurrentQueue<string> _events = new();

    public void Add(string name) => _events.Enqueue(name);

    public IReadOnlyList<string> Snapshot() => [.. _events];

    public int Count(string name) => _events.Count(e => e == name);

    /// <summary>Asserts that every named event happened, in this order.</summary>
    public void AssertOrder(params string[] names)
    {
        var events = Snapshot();
        var previous = -1;
        foreach (var name in names)
        {
            var index = events.ToList().IndexOf(name);
            Assert.True(index >= 0, $"'{name}' did not happen; events: {string.Join(", ", events)}");
            Assert.True(index > previous, $"'{name}' happened out of order; events: {string.Join(", ", events)}");
            previous = index;
        }
    }
}
