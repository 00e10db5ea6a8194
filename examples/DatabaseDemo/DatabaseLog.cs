namespace DatabaseDemo;

/// <summary>The demo's log messages (event ids 310–312).</summary>
internal static partial class DatabaseLog
{
    [LoggerMessage(310, LogLevel.Information, "Opened the {Provider} pool ({Users} users).")]
    public static partial void PoolOpened(ILogger logger, string provider, long users);

    [LoggerMessage(311, LogLevel.Information, "Closed the {Provider} pool.")]
    public static partial void PoolClosed(ILogger logger, string provider);

    [LoggerMessage(312, LogLevel.Error, "Query failed on GET {Path}.")]
    public static partial void QueryFailed(ILogger logger, Exception exception, string path);
}
