using Microsoft.Extensions.Logging;

namespace AsgiBridge.Diagnostics;

/// <summary>
/// Every log message of the bridge, source-generated, with stable event ids: 1–19 HTTP, 20–39 WebSocket,
/// 40–59 lifespan. Client disconnects are Debug; application failures are Error.
/// </summary>
internal static partial class AsgiLog
{
    /// <summary>The logger category used by the HTTP and WebSocket bridge.</summary>
    public const string Category = "AsgiBridge";

    [LoggerMessage(1, LogLevel.Error, "ASGI application raised an exception before the response started for {Method} {Path}; sending 500.", EventName = "AppExceptionBeforeStart")]
    public static partial void AppExceptionBeforeStart(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(2, LogLevel.Error, "ASGI application raised an exception after the response started for {Method} {Path}; aborting the response.", EventName = "AppExceptionAfterStart")]
    public static partial void AppExceptionAfterStart(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(3, LogLevel.Error, "ASGI application returned without starting a response for {Method} {Path}; sending 500.", EventName = "ReturnedWithoutResponse")]
    public static partial void ReturnedWithoutResponse(ILogger logger, string method, string path);

    [LoggerMessage(4, LogLevel.Error, "ASGI application returned without completing the response for {Method} {Path}; aborting the response.", EventName = "ReturnedWithoutCompletingResponse")]
    public static partial void ReturnedWithoutCompletingResponse(ILogger logger, string method, string path);

    [LoggerMessage(5, LogLevel.Debug, "Client disconnected during {Method} {Path}.", EventName = "ClientDisconnected")]
    public static partial void ClientDisconnected(ILogger logger, string method, string path);

    [LoggerMessage(6, LogLevel.Debug, "Request body for {Method} {Path} was rejected with status {StatusCode}.", EventName = "BadRequestBody")]
    public static partial void BadRequestBody(ILogger logger, string method, string path, int statusCode, Exception exception);

    [LoggerMessage(7, LogLevel.Debug, "Ignoring http.response.early_hint for {Path}: Kestrel cannot send 103 responses.", EventName = "EarlyHintIgnored")]
    public static partial void EarlyHintIgnored(ILogger logger, string path);

    [LoggerMessage(8, LogLevel.Error, "ASGI application raised an exception after completing the response for {Method} {Path}.", EventName = "AppExceptionAfterComplete")]
    public static partial void AppExceptionAfterComplete(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(9, LogLevel.Debug, "Dropping trailers for {Path}: the client did not announce 'TE: trailers' or the transport cannot carry them.", EventName = "TrailersDropped")]
    public static partial void TrailersDropped(ILogger logger, string path);
}
