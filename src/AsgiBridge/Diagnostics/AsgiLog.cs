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

    [LoggerMessage(2, LogLevel.Error, "ASGI application raised an exception after the response started for {Method} {Path}; cutting the response off.", EventName = "AppExceptionAfterStart")]
    public static partial void AppExceptionAfterStart(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(3, LogLevel.Error, "ASGI application returned without starting a response for {Method} {Path}; sending 500.", EventName = "ReturnedWithoutResponse")]
    public static partial void ReturnedWithoutResponse(ILogger logger, string method, string path);

    [LoggerMessage(4, LogLevel.Error, "ASGI application returned without completing the response for {Method} {Path}; cutting the response off.", EventName = "ReturnedWithoutCompletingResponse")]
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

    [LoggerMessage(10, LogLevel.Debug, "Rejected {Method} {Path} with {StatusCode} before the application ran: a request header repeats too often or holds a control character.", EventName = "RequestHeadersRejected")]
    public static partial void RequestHeadersRejected(ILogger logger, string method, string path, int statusCode);

    [LoggerMessage(11, LogLevel.Information, "Server stopping: told {Count} open ASGI connection(s) to end (WebSockets closed, pending receives answered http.disconnect).", EventName = "ShutdownSignalled")]
    public static partial void ShutdownSignalled(ILogger logger, int count);

    [LoggerMessage(12, LogLevel.Warning, "Server stopping: cut {Count} ASGI connection(s) still open after the drain time of {Timeout}.", EventName = "ShutdownDrainExpired")]
    public static partial void ShutdownDrainExpired(ILogger logger, int count, TimeSpan timeout);

    [LoggerMessage(20, LogLevel.Error, "ASGI application raised an exception before accepting the WebSocket {Path}; sending 500.", EventName = "WebSocketAppExceptionBeforeAccept")]
    public static partial void WebSocketAppExceptionBeforeAccept(ILogger logger, string path, Exception exception);

    [LoggerMessage(21, LogLevel.Error, "ASGI application raised an exception on the WebSocket {Path}; closing with 1011.", EventName = "WebSocketAppExceptionAfterAccept")]
    public static partial void WebSocketAppExceptionAfterAccept(ILogger logger, string path, Exception exception);

    [LoggerMessage(22, LogLevel.Error, "ASGI application returned without accepting or denying the WebSocket {Path}; sending 500.", EventName = "WebSocketReturnedWithoutAnswer")]
    public static partial void WebSocketReturnedWithoutAnswer(ILogger logger, string path);

    [LoggerMessage(23, LogLevel.Debug, "WebSocket client disconnected from {Path} with code {Code}.", EventName = "WebSocketClientDisconnected")]
    public static partial void WebSocketClientDisconnected(ILogger logger, string path, int code);

    [LoggerMessage(24, LogLevel.Debug, "WebSocket message on {Path} exceeds {Limit} bytes; closing with 1009.", EventName = "WebSocketMessageTooBig")]
    public static partial void WebSocketMessageTooBig(ILogger logger, string path, int limit);

    [LoggerMessage(25, LogLevel.Debug, "WebSocket text message on {Path} is not valid UTF-8; closing with 1007.", EventName = "WebSocketInvalidUtf8")]
    public static partial void WebSocketInvalidUtf8(ILogger logger, string path);

    [LoggerMessage(26, LogLevel.Debug, "WebSocket {Path}: no close frame from the client within the close timeout; aborting.", EventName = "WebSocketCloseTimeout")]
    public static partial void WebSocketCloseTimeout(ILogger logger, string path);

    [LoggerMessage(27, LogLevel.Debug, "WebSocket {Path} accepted (subprotocol {Subprotocol}).", EventName = "WebSocketHandshakeAccepted")]
    public static partial void WebSocketHandshakeAccepted(ILogger logger, string path, string? subprotocol);

    [LoggerMessage(28, LogLevel.Debug, "WebSocket {Path} denied with HTTP {Status}.", EventName = "WebSocketDenied")]
    public static partial void WebSocketDenied(ILogger logger, string path, int status);

    [LoggerMessage(29, LogLevel.Debug, "ASGI application returned without closing the WebSocket {Path}; closing with 1000.", EventName = "WebSocketReturnedWithoutClosing")]
    public static partial void WebSocketReturnedWithoutClosing(ILogger logger, string path);

    [LoggerMessage(30, LogLevel.Debug, "WebSocket {Path} rejected: origin {Origin} is not allowed.", EventName = "WebSocketOriginRejected")]
    public static partial void WebSocketOriginRejected(ILogger logger, string path, string origin);

    [LoggerMessage(33, LogLevel.Debug, "WebSocket {Path}: the connection failed while reading; reporting code {Code}.", EventName = "WebSocketReceiveFailed")]
    public static partial void WebSocketReceiveFailed(ILogger logger, string path, int code, Exception exception);

    [LoggerMessage(34, LogLevel.Warning, "WebSocket {Path}: more than {Limit} sends were waiting (the client does not read); closing with 1008.", EventName = "WebSocketSendQueueFull")]
    public static partial void WebSocketSendQueueFull(ILogger logger, string path, int limit);

    [LoggerMessage(31, LogLevel.Debug, "Closing the WebSocket {Path} failed; aborting it.", EventName = "WebSocketCloseFailed")]
    public static partial void WebSocketCloseFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(32, LogLevel.Error, "ASGI application raised an exception after the WebSocket {Path} had ended.", EventName = "WebSocketAppExceptionAfterEnd")]
    public static partial void WebSocketAppExceptionAfterEnd(ILogger logger, string path, Exception exception);

    [LoggerMessage(40, LogLevel.Debug, "Sent lifespan.startup to ASGI application {App}.", EventName = "LifespanStartupSent")]
    public static partial void LifespanStartupSent(ILogger logger, string app);

    [LoggerMessage(41, LogLevel.Information, "ASGI application {App} completed lifespan startup.", EventName = "LifespanStartupComplete")]
    public static partial void LifespanStartupComplete(ILogger logger, string app);

    [LoggerMessage(42, LogLevel.Critical, "ASGI application {App} sent lifespan.startup.failed: {Message}", EventName = "LifespanStartupFailed")]
    public static partial void LifespanStartupFailed(ILogger logger, string app, string message);

    [LoggerMessage(43, LogLevel.Information, "ASGI 'lifespan' protocol appears unsupported by application {App} ({Reason}); continuing without lifespan events and without state.", EventName = "LifespanUnsupported")]
    public static partial void LifespanUnsupported(ILogger logger, string app, string reason);

    [LoggerMessage(58, LogLevel.Debug, "Why ASGI application {App} appears not to support lifespan.", EventName = "LifespanUnsupportedDetail")]
    public static partial void LifespanUnsupportedDetail(ILogger logger, string app, Exception exception);

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
