namespace AsgiBridge.Messages;

/// <summary>The <c>type</c> strings of every ASGI event, grouped by specification section.</summary>
public static class AsgiMessageTypes
{
    /// <summary><c>http.request</c> (receive).</summary>
    public const string HttpRequest = "http.request";

    /// <summary><c>http.disconnect</c> (receive).</summary>
    public const string HttpDisconnect = "http.disconnect";

    /// <summary><c>http.response.start</c> (send).</summary>
    public const string HttpResponseStart = "http.response.start";

    /// <summary><c>http.response.body</c> (send).</summary>
    public const string HttpResponseBody = "http.response.body";

    /// <summary><c>http.response.trailers</c> (send, trailers extension).</summary>
    public const string HttpResponseTrailers = "http.response.trailers";

    /// <summary><c>http.response.pathsend</c> (send, pathsend extension).</summary>
    public const string HttpResponsePathSend = "http.response.pathsend";

    /// <summary><c>http.response.early_hint</c> (send, early hints extension).</summary>
    public const string HttpResponseEarlyHint = "http.response.early_hint";

    /// <summary><c>http.response.push</c> (send, server push extension).</summary>
    public const string HttpResponsePush = "http.response.push";

    /// <summary><c>http.response.debug</c> (send, test-client debug extension).</summary>
    public const string HttpResponseDebug = "http.response.debug";

    /// <summary><c>websocket.connect</c> (receive).</summary>
    public const string WebSocketConnect = "websocket.connect";

    /// <summary><c>websocket.accept</c> (send).</summary>
    public const string WebSocketAccept = "websocket.accept";

    /// <summary><c>websocket.receive</c> (receive).</summary>
    public const string WebSocketReceive = "websocket.receive";

    /// <summary><c>websocket.send</c> (send).</summary>
    public const string WebSocketSend = "websocket.send";

    /// <summary><c>websocket.disconnect</c> (receive).</summary>
    public const string WebSocketDisconnect = "websocket.disconnect";

    /// <summary><c>websocket.close</c> (send).</summary>
    public const string WebSocketClose = "websocket.close";

    /// <summary><c>websocket.http.response.start</c> (send, denial response extension).</summary>
    public const string WebSocketHttpResponseStart = "websocket.http.response.start";

    /// <summary><c>websocket.http.response.body</c> (send, denial response extension).</summary>
    public const string WebSocketHttpResponseBody = "websocket.http.response.body";

    /// <summary><c>lifespan.startup</c> (receive).</summary>
    public const string LifespanStartup = "lifespan.startup";

    /// <summary><c>lifespan.startup.complete</c> (send).</summary>
    public const string LifespanStartupComplete = "lifespan.startup.complete";

    /// <summary><c>lifespan.startup.failed</c> (send).</summary>
    public const string LifespanStartupFailed = "lifespan.startup.failed";

    /// <summary><c>lifespan.shutdown</c> (receive).</summary>
    public const string LifespanShutdown = "lifespan.shutdown";

    /// <summary><c>lifespan.shutdown.complete</c> (send).</summary>
    public const string LifespanShutdownComplete = "lifespan.shutdown.complete";

    /// <summary><c>lifespan.shutdown.failed</c> (send).</summary>
    public const string LifespanShutdownFailed = "lifespan.shutdown.failed";
}
