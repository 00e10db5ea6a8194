namespace AsgiBridge;

/// <summary>Names of the ASGI extensions, as used as keys of <see cref="AsgiScope.Extensions"/>.</summary>
public static class AsgiExtensionNames
{
    /// <summary>HTTP response trailers (<c>http.response.trailers</c>).</summary>
    public const string Trailers = "http.response.trailers";

    /// <summary>Sending a file by path (<c>http.response.pathsend</c>).</summary>
    public const string PathSend = "http.response.pathsend";

    /// <summary>Early hints, 103 responses (<c>http.response.early_hint</c>).</summary>
    public const string EarlyHint = "http.response.early_hint";

    /// <summary>HTTP/2 server push (<c>http.response.push</c>).</summary>
    public const string Push = "http.response.push";

    /// <summary>Zero-copy send of a file descriptor (<c>http.response.zerocopysend</c>).</summary>
    public const string ZeroCopySend = "http.response.zerocopysend";

    /// <summary>Test-client debug information (<c>http.response.debug</c>).</summary>
    public const string Debug = "http.response.debug";

    /// <summary>WebSocket denial responses (<c>websocket.http.response</c>).</summary>
    public const string WebSocketHttpResponse = "websocket.http.response";

    /// <summary>TLS connection information (<c>tls</c>).</summary>
    public const string Tls = "tls";
}
