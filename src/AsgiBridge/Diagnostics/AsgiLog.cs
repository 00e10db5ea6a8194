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

    /// <summary>The logger category used by the lifespan protocol.</summary>
    public const string LifespanCategory = "AsgiBridge.Lifespan";

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

    [LoggerMessage(40, LogLevel.Debug, "Sent lifespan.startup to ASGI application {App}.", EventName = "LifespanStartupSent")]
    public static partial void LifespanStartupSent(ILogger logger, string app);

    [LoggerMessage(41, LogLevel.Information, "ASGI application {App} completed lifespan startup.", EventName = "LifespanStartupComplete")]
    public static partial void LifespanStartupComplete(ILogger logger, string app);

    [LoggerMessage(42, LogLevel.Critical, "ASGI application {App} sent lifespan.startup.failed: {Message}", EventName = "LifespanStartupFailed")]
    public static partial void LifespanStartupFailed(ILogger logger, string app, string message);

    [LoggerMessage(43, LogLevel.Information, "ASGI 'lifespan' protocol appears unsupported by application {App}; continuing without lifespan events and without state.", EventName = "LifespanUnsupported")]
    public static partial void LifespanUnsupported(ILogger logger, string app, Exception? exception);

    [LoggerMessage(44, LogLevel.Critical, "ASGI application {App} failed during lifespan startup (lifespan mode is On).", EventName = "LifespanStartupError")]
    public static partial void LifespanStartupError(ILogger logger, string app, Exception? exception);

    [LoggerMessage(45, LogLevel.Critical, "ASGI application {App} did not answer lifespan.startup within {Timeout} (AsgiOptions.Lifespan.StartupTimeout).", EventName = "LifespanStartupTimeout")]
    public static partial void LifespanStartupTimeout(ILogger logger, string app, TimeSpan timeout);

    [LoggerMessage(46, LogLevel.Debug, "Sent lifespan.shutdown to ASGI application {App}.", EventName = "LifespanShutdownSent")]
    public static partial void LifespanShutdownSent(ILogger logger, string app);

    [LoggerMessage(47, LogLevel.Information, "ASGI application {App} completed lifespan shutdown.", EventName = "LifespanShutdownComplete")]
    public static partial void LifespanShutdownComplete(ILogger logger, string app);

    [LoggerMessage(48, LogLevel.Error, "ASGI application {App} sent lifespan.shutdown.failed: {Message}", EventName = "LifespanShutdownFailed")]
    public static partial void LifespanShutdownFailed(ILogger logger, string app, string message);

    [LoggerMessage(49, LogLevel.Error, "ASGI application {App} did not answer lifespan.shutdown within {Timeout} (AsgiOptions.Lifespan.ShutdownTimeout); continuing shutdown.", EventName = "LifespanShutdownTimeout")]
    public static partial void LifespanShutdownTimeout(ILogger logger, string app, TimeSpan timeout);

    [LoggerMessage(50, LogLevel.Error, "The host's shutdown timeout elapsed before ASGI application {App} answered lifespan.shutdown; continuing shutdown.", EventName = "LifespanShutdownAbandoned")]
    public static partial void LifespanShutdownAbandoned(ILogger logger, string app);

    [LoggerMessage(51, LogLevel.Error, "ASGI application {App} raised during lifespan shutdown; continuing shutdown.", EventName = "LifespanShutdownError")]
    public static partial void LifespanShutdownError(ILogger logger, string app, Exception exception);

    [LoggerMessage(52, LogLevel.Warning, "ASGI application {App} returned from the lifespan scope without answering lifespan.shutdown.", EventName = "LifespanReturnedWithoutShutdownReply")]
    public static partial void LifespanReturnedWithoutShutdownReply(ILogger logger, string app);

    [LoggerMessage(53, LogLevel.Warning, "ASGI application {App} returned from the lifespan scope before lifespan.shutdown; no shutdown event is sent.", EventName = "LifespanEndedBeforeShutdown")]
    public static partial void LifespanEndedBeforeShutdown(ILogger logger, string app);

    [LoggerMessage(54, LogLevel.Error, "ASGI application {App} raised on the lifespan scope after startup completed.", EventName = "LifespanFaultedWhileRunning")]
    public static partial void LifespanFaultedWhileRunning(ILogger logger, string app, Exception exception);

    [LoggerMessage(55, LogLevel.Critical, "Stopping the host: lifespan mode is On and the lifespan of ASGI application {App} failed.", EventName = "LifespanStoppingHost")]
    public static partial void LifespanStoppingHost(ILogger logger, string app);

    [LoggerMessage(56, LogLevel.Debug, "Lifespan mode is Off: not running the lifespan protocol for {Count} ASGI application(s).", EventName = "LifespanDisabled")]
    public static partial void LifespanDisabled(ILogger logger, int count);

    [LoggerMessage(57, LogLevel.Debug, "ASGI application {App} was registered after host startup began; its lifespan starts now and its requests wait for startup to complete.", EventName = "LifespanLateRegistration")]
    public static partial void LifespanLateRegistration(ILogger logger, string app);
}
