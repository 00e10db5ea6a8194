using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Tests.Lifespan;

/// <summary>One captured log line.</summary>
internal sealed record LogEntry(string Category, LogLevel Level, int EventId, string Message, Exception? Exception);

/// <summary>A logger provider that keeps every log line in memory.</summary>
internal sealed class TestLogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _waiters = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public IReadOnlyList<LogEntry> WithId(int eventId) => [.. _entries.Where(e => e.EventId == eventId)];

    /// <summary>Completes once a line with <paramref name="eventId"/> has been logged.</summary>
    public Task WaitForAsync(int eventId)
    {
        var waiter = _waiters.GetOrAdd(eventId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (_entries.Any(e => e.EventId == eventId))
        {
            waiter.TrySetResult();
        }

        return waiter.Task;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(TestLogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            sink._entries.Enqueue(new LogEntry(category, logLevel, eventId.Id, formatter(state, exception), exception));
            if (sink._waiters.TryGetValue(eventId.Id, out var waiter))
            {
                waiter.TrySetResult();
            }
        }
    }
}
