using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Tests.Toolkit.Middleware;

/// <summary>One captured log line.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception, IReadOnlyDictionary<string, object?> Values);

/// <summary>An in-memory <see cref="ILoggerProvider"/> (FakeLogger is not in the package mirror) with waits on lines.</summary>
public sealed class MiddlewareLogSink : ILoggerProvider
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private readonly ConcurrentQueue<CapturedLog> _entries = new();
    private readonly List<(Func<CapturedLog, bool> Match, TaskCompletionSource<CapturedLog> Done)> _waiters = [];
    private readonly Lock _gate = new();

    /// <summary>The minimum level captured.</summary>
    public LogLevel MinimumLevel { get; init; } = LogLevel.Trace;

    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new SinkLogger(this, categoryName);

    public ILogger Logger(string category = "test") => CreateLogger(category);

    public IEnumerable<CapturedLog> WithEvent(int id) => Entries.Where(e => e.EventId.Id == id);

    public Task<CapturedLog> WaitForAsync(Func<CapturedLog, bool> match, TimeSpan? timeout = null)
    {
        var done = new TaskCompletionSource<CapturedLog>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var existing = _entries.FirstOrDefault(match);
            if (existing is not null)
            {
                return Task.FromResult(existing);
            }

            _waiters.Add((match, done));
        }

        return done.Task.WaitAsync(timeout ?? DefaultTimeout);
    }

    public Task<CapturedLog> WaitForEventAsync(int eventId, TimeSpan? timeout = null) => WaitForAsync(e => e.EventId.Id == eventId, timeout);

    public void Dispose()
    {
    }

    private void Add(CapturedLog entry)
    {
        lock (_gate)
        {
            _entries.Enqueue(entry);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(entry))
                {
                    _waiters[i].Done.TrySetResult(entry);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private sealed class SinkLogger(MiddlewareLogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= sink.MinimumLevel;

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

            sink.Add(new CapturedLog(category, logLevel, eventId, formatter(state, exception), exception, values));
        }
    }
}
