using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.TestInfrastructure.Logging;

/// <summary>
/// The test project's in-memory <see cref="ILoggerProvider"/> (FakeLogger is not in the package mirror): records every
/// event as a <see cref="LogEntry"/> so tests can assert categories, levels, event ids, messages, exceptions and
/// structured values. Waiting is signal-based: a wait completes when a matching entry is logged (or already was),
/// and fails with a <see cref="TimeoutException"/> listing what was logged.
/// </summary>
public sealed class TestLogSink : ILoggerProvider
{
    /// <summary>The bridge core's logger category (<c>AsgiLog.Category</c>).</summary>
    public const string BridgeCategory = "AsgiBridge";

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly Lock _gate = new();
    private readonly List<(Func<LogEntry, bool> Match, TaskCompletionSource<LogEntry> Signal)> _waiters = [];

    /// <summary>The minimum level captured (everything by default).</summary>
    public LogLevel MinimumLevel { get; init; } = LogLevel.Trace;

    /// <summary>Every entry so far, in logging order.</summary>
    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>Entries of the bridge core's own category (<see cref="BridgeCategory"/>).</summary>
    public IReadOnlyList<LogEntry> BridgeEntries => [.. _entries.Where(e => e.Category == BridgeCategory)];

    /// <summary>Bridge-category entries at <see cref="LogLevel.Warning"/> or above.</summary>
    public IReadOnlyList<LogEntry> BridgeProblems => [.. BridgeEntries.Where(e => e.Level >= LogLevel.Warning)];

    /// <summary>Entries of any category at <see cref="LogLevel.Warning"/> or above.</summary>
    public IReadOnlyList<LogEntry> Problems => [.. _entries.Where(e => e.Level >= LogLevel.Warning)];

    /// <summary>Entries of any category with event id <paramref name="eventId"/>.</summary>
    public IReadOnlyList<LogEntry> WithEvent(int eventId) => [.. _entries.Where(e => e.EventId.Id == eventId)];

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new SinkLogger(this, categoryName);

    /// <summary>A logger writing into this sink under <paramref name="category"/>.</summary>
    public ILogger Logger(string category = "test") => CreateLogger(category);

    /// <summary>Waits until the bridge core (category <see cref="BridgeCategory"/>) logs <paramref name="eventId"/>.</summary>
    public Task<LogEntry> WaitForAsync(int eventId, TimeSpan? timeout = null) =>
        WaitForAsync(e => e.Category == BridgeCategory && e.EventId.Id == eventId, timeout, $"bridge event {eventId}");

    /// <summary>Waits until any category logs <paramref name="eventId"/>.</summary>
    public Task<LogEntry> WaitForEventAsync(int eventId, TimeSpan? timeout = null) =>
        WaitForAsync(e => e.EventId.Id == eventId, timeout, $"event {eventId}");

    /// <summary>Waits until an entry matching <paramref name="match"/> is logged (returns at once if one already was).</summary>
    public async Task<LogEntry> WaitForAsync(Func<LogEntry, bool> match, TimeSpan? timeout = null, string? description = null)
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
            return await signal.Task.WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                _waiters.RemoveAll(w => w.Signal == signal);
            }

            throw new TimeoutException($"Timed out waiting for {description ?? "a matching log entry"}. Logged: {Describe()}");
        }
    }

    /// <summary>A one-line summary of every entry, for failure messages.</summary>
    public string Describe() =>
        string.Join("; ", _entries.Select(e => $"{e.Category} {e.EventId.Id}/{e.Level}: {e.Message}"));

    /// <inheritdoc />
    public void Dispose()
    {
    }

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

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= sink.MinimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var (key, value) in pairs)
                {
                    values[key] = value;
                }
            }

            sink.Add(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception, values));
        }
    }
}
