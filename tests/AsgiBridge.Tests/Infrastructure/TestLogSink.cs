using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Tests.Infrastructure;

/// <summary>One captured log event.</summary>
internal sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

/// <summary>
/// An in-memory <see cref="ILoggerProvider"/> that records every event, so tests can assert event ids and levels.
/// Waiting is signal-based: <see cref="WaitForAsync"/> completes when a matching entry arrives.
/// </summary>
internal sealed class TestLogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly object _gate = new();
    private readonly List<(Func<LogEntry, bool> Match, TaskCompletionSource<LogEntry> Signal)> _waiters = [];

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>Entries of the bridge's own category.</summary>
    public IReadOnlyList<LogEntry> BridgeEntries => [.. _entries.Where(e => e.Category == "AsgiBridge")];

    public ILogger CreateLogger(string categoryName) => new SinkLogger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>Waits until the bridge logs <paramref name="eventId"/>, or fails after <paramref name="timeout"/>.</summary>
    public Task<LogEntry> WaitForAsync(int eventId, TimeSpan? timeout = null) =>
        WaitForAsync(e => e.Category == "AsgiBridge" && e.EventId.Id == eventId, timeout, $"bridge event {eventId}");

    public async Task<LogEntry> WaitForAsync(Func<LogEntry, bool> match, TimeSpan? timeout, string description)
    {
        var signal = new TaskCompletionSource<LogEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var existing = _entries.FirstOrDefault(match);
            if (existing is not null)
            {
                return existing;
            }

            _waiters.Add((match, signal));
        }

        try
        {
            return await signal.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out waiting for {description}. Logged: {Describe()}");
        }
    }

    /// <summary>Bridge entries at <see cref="LogLevel.Warning"/> or above (none expected for client disconnects).</summary>
    public IReadOnlyList<LogEntry> BridgeProblems => [.. BridgeEntries.Where(e => e.Level >= LogLevel.Warning)];

    public string Describe() =>
        string.Join("; ", _entries.Where(e => e.Category == "AsgiBridge").Select(e => $"{e.EventId.Id}/{e.Level}: {e.Message}"));

    private void Add(LogEntry entry)
    {
        lock (_gate)
        {
            _entries.Enqueue(entry);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(entry))
                {
                    _waiters[i].Signal.TrySetResult(entry);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private sealed class SinkLogger(TestLogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Add(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
