using Microsoft.Extensions.Logging;

namespace AsgiBridge.TestInfrastructure.Logging;

/// <summary>One log event captured by <see cref="TestLogSink"/>.</summary>
/// <param name="Category">The logger category (e.g. "AsgiBridge", "AsgiBridge.Lifespan").</param>
/// <param name="Level">The level it was logged at.</param>
/// <param name="EventId">The event id (compare <c>EventId.Id</c> or <c>EventId.Name</c>).</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Exception">The exception passed to the logger, if any.</param>
/// <param name="Values">The structured state (template placeholders and "{OriginalFormat}"), by name.</param>
public sealed record LogEntry(
    string Category,
    LogLevel Level,
    EventId EventId,
    string Message,
    Exception? Exception,
    IReadOnlyDictionary<string, object?> Values);
