using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Channels.Tests.Infrastructure;

/// <summary>One captured log entry.</summary>
public sealed record TestLogEntry(string Category, LogLevel Level, EventId EventId, string Message);

/// <summary>
/// Captures every log entry of the loggers it creates; <see cref="WaitForAsync"/> completes when a matching entry is logged
/// (or already was), so tests wait on the signal instead of sleeping.
/// </summary>
public sealed class TestLog : ILoggerProvider, ILoggerFactory
{
    private readonly ConcurrentQueue<TestLogEntry> _entries = new();
    private readonly Lock _gate = new();
    private readonly List<(Func<TestLogEntry, bool> Match, TaskCompletionSource<TestLogEntry> Signal)> _waiters = [];

    /// <summary>The entries so far.</summary>
    public IReadOnlyList<TestLogEntry> Entries => [.. _entries];

    /// <summary>The entries with an event id.</summary>
    public IReadOnlyList<TestLogEntry> WithEvent(int id) => [.. _entries.Where(e => e.EventId.Id == id)];

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void AddProvider(ILoggerProvider provider)
    {
    }

    /// <summary>Waits for an entry with event id <paramref name="id"/>.</summary>
    public Task<TestLogEntry> WaitForAsync(int id, TimeSpan? timeout = null)
    {
        var signal = new TaskCompletionSource<TestLogEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool Match(TestLogEntry e) => e.EventId.Id == id;
        lock (_gate)
        {
            var existing = _entries.FirstOrDefault(Match);
            if (existing is not null)
            {
                return Task.FromResult(existing);
            }

            _waiters.Add((Match, signal));
        }

        return signal.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(20));
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private void Add(TestLogEntry entry)
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

    private sealed class Logger(TestLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log.Add(new TestLogEntry(category, logLevel, eventId, formatter(state, exception)));
    }
}
