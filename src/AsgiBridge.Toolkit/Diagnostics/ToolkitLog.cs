using Microsoft.Extensions.Logging;

namespace AsgiBridge.Toolkit;

/// <summary>
/// The log messages of the built-in ASGI middleware (event ids 60–79): request logging 60–64 and 73, bearer authentication
/// 65–66, background tasks 67–70, server errors 71–72.
/// </summary>
internal static partial class ToolkitLog
{
    [LoggerMessage(60, LogLevel.Information, "HTTP {Method} {Path} responded {StatusCode} in {ElapsedMilliseconds:0.0} ms", EventName = "HttpRequestCompleted")]
    public static partial void HttpRequestCompleted(ILogger logger, string method, string path, int statusCode, double elapsedMilliseconds);

    [LoggerMessage(61, LogLevel.Warning, "HTTP {Method} {Path} failed with {ExceptionType} after {ElapsedMilliseconds:0.0} ms; response status {StatusCode} (0: not started)", EventName = "HttpRequestFailed")]
    public static partial void HttpRequestFailed(ILogger logger, string method, string path, string exceptionType, double elapsedMilliseconds, int statusCode);

    // A client that leaves is not a server fault: Information, so a Warning filter keeps only real failures.
    [LoggerMessage(103, LogLevel.Information, "HTTP {Method} {Path}: the client disconnected after {ElapsedMilliseconds:0.0} ms; response status {StatusCode} (0: not started)", EventName = "HttpRequestClientDisconnected")]
    public static partial void HttpRequestClientDisconnected(ILogger logger, string method, string path, double elapsedMilliseconds, int statusCode);

    [LoggerMessage(62, LogLevel.Information, "WebSocket {Path} accepted (subprotocol {Subprotocol})", EventName = "WebSocketAccepted")]
    public static partial void WebSocketAccepted(ILogger logger, string path, string? subprotocol);

    [LoggerMessage(63, LogLevel.Information, "WebSocket {Path} closed with code {CloseCode} by the {ClosedBy} after {ElapsedMilliseconds:0.0} ms", EventName = "WebSocketClosed")]
    public static partial void WebSocketClosed(ILogger logger, string path, int closeCode, string closedBy, double elapsedMilliseconds);

    [LoggerMessage(64, LogLevel.Information, "WebSocket {Path} rejected before accept (close code {CloseCode}, denial status {StatusCode})", EventName = "WebSocketRejected")]
    public static partial void WebSocketRejected(ILogger logger, string path, int closeCode, int statusCode);

    [LoggerMessage(73, LogLevel.Warning, "WebSocket {Path} failed with {ExceptionType} after {ElapsedMilliseconds:0.0} ms (accepted: {Accepted})", EventName = "WebSocketFailed")]
    public static partial void WebSocketFailed(ILogger logger, string path, string exceptionType, double elapsedMilliseconds, bool accepted);

    [LoggerMessage(65, LogLevel.Debug, "Bearer authentication refused {ScopeType} {Path}: {Reason}", EventName = "BearerAuthenticationRefused")]
    public static partial void BearerAuthenticationRefused(ILogger logger, string scopeType, string path, string reason);

    [LoggerMessage(66, LogLevel.Debug, "Bearer token for {Path} did not validate.", EventName = "BearerTokenInvalid")]
    public static partial void BearerTokenInvalid(ILogger logger, string path, Exception? exception);

    [LoggerMessage(67, LogLevel.Error, "A background task failed.", EventName = "BackgroundTaskFailed")]
    public static partial void BackgroundTaskFailed(ILogger logger, Exception exception);

    [LoggerMessage(68, LogLevel.Warning, "{Count} background task(s) still running after the shutdown timeout of {Timeout}; cancelling them.", EventName = "BackgroundTasksShutdownTimeout")]
    public static partial void BackgroundTasksShutdownTimeout(ILogger logger, int count, TimeSpan timeout);

    [LoggerMessage(69, LogLevel.Warning, "Dropping {Count} background task(s) scheduled by {Path}: the application failed.", EventName = "BackgroundTasksDropped")]
    public static partial void BackgroundTasksDropped(ILogger logger, int count, string path);

    [LoggerMessage(70, LogLevel.Debug, "A background task stopped on cancellation at shutdown.", EventName = "BackgroundTaskCancelled")]
    public static partial void BackgroundTaskCancelled(ILogger logger);

    [LoggerMessage(71, LogLevel.Error, "Unhandled exception for {Method} {Path}; sending 500.", EventName = "ServerErrorHandled")]
    public static partial void ServerErrorHandled(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(72, LogLevel.Debug, "Unhandled exception for {Method} {Path} after the response started; rethrowing so the server aborts the response.", EventName = "ServerErrorAfterStart")]
    public static partial void ServerErrorAfterStart(ILogger logger, string method, string path, Exception exception);

    // Ids 80–99: bearer authentication refusals (80–81, replacing the Debug-only 65–66, which nothing logs any more),
    // server errors for bad requests (82), router diagnostics (83–84), static files (86).
    [LoggerMessage(EventId = 80, Message = "Bearer authentication refused {ScopeType} {Path}: {Reason}", EventName = "BearerRefused")]
    public static partial void BearerRefused(ILogger logger, LogLevel level, string scopeType, string path, string reason, Exception? exception);

    [LoggerMessage(81, LogLevel.Debug, "Bearer token for {Path} ignored on an unprotected path: {Reason}", EventName = "BearerTokenIgnored")]
    public static partial void BearerTokenIgnored(ILogger logger, string path, string reason, Exception? exception);

    [LoggerMessage(82, LogLevel.Information, "{Method} {Path} was a bad request; sending {StatusCode}: {Reason}", EventName = "ServerErrorBadRequest")]
    public static partial void ServerErrorBadRequest(ILogger logger, string method, string path, int statusCode, string reason);

    [LoggerMessage(83, LogLevel.Warning, "Router: {Message}", EventName = "RouterDuplicateRoute")]
    public static partial void RouterDuplicateRoute(ILogger logger, string message);

    [LoggerMessage(84, LogLevel.Warning, "Router: {Message}", EventName = "RouterShadowedRoute")]
    public static partial void RouterShadowedRoute(ILogger logger, string message);

    [LoggerMessage(86, LogLevel.Debug, "Static files under {Directory} refused {Path}: {Reason}", EventName = "StaticFileRefused")]
    public static partial void StaticFileRefused(ILogger logger, string directory, string path, string reason);

    // WebSocket rooms (event ids 100–119).
    [LoggerMessage(100, LogLevel.Warning, "Room {Room}: dropped {Count} member(s) whose outbound queue was full ({Limit} messages: the client does not read); closing them with {CloseCode}.", EventName = "RoomMembersDropped")]
    public static partial void RoomMembersDropped(ILogger logger, string room, long count, int limit, int closeCode);

    [LoggerMessage(101, LogLevel.Debug, "Room {Room}: member {Member} left ({Reason}); {Count} member(s) remain.", EventName = "RoomMemberLeft")]
    public static partial void RoomMemberLeft(ILogger logger, string room, string member, WebSocketRoomLeaveReason reason, int count);

    [LoggerMessage(102, LogLevel.Warning, "Room {Room}: a send to member {Member} failed with an error other than a disconnect; the member was removed.", EventName = "RoomMemberSendFailed")]
    public static partial void RoomMemberSendFailed(ILogger logger, string room, string member, Exception exception);
}
