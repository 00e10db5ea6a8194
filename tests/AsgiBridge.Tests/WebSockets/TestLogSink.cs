using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Tests.WebSockets;

/// <summary>An in-memory logger provider recording every entry, so tests can assert what was (not) logged.</summary>
public sealed class TestLogSink : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new SinkLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class SinkLogger(TestLogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Entries.Enqueue((category, logLevel, eventId, formatter(state, exception), exception));
    }
}
