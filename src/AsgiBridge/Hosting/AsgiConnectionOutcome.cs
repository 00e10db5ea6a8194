namespace AsgiBridge.Hosting;

/// <summary>
/// The record of how one ASGI connection (an HTTP request or a WebSocket) ended: what the application raised, the first
/// protocol violation the bridge reported to it, and what the bridge did on its behalf. The bridge stores it in
/// <c>HttpContext.Features</c> when the application has finished (read it with <c>HttpContext.GetAsgiOutcome()</c>), so
/// logging, tests and the test client read one record instead of re-deriving it.
/// </summary>
public sealed class AsgiConnectionOutcome
{
    /// <summary>Creates an outcome.</summary>
    /// <param name="end">How the connection ended.</param>
    /// <param name="exception">What the application raised, if it raised.</param>
    /// <param name="protocolViolation">The first protocol violation <c>send</c> or <c>receive</c> reported, even if the application caught it.</param>
    /// <param name="errorStatusCode">The status the bridge answered with on the application's behalf (500, 413, 400…), if any.</param>
    /// <param name="responseTruncated">Whether the bridge cut off a started response (HTTP/1.x connection closed early, HTTP/2 stream reset).</param>
    /// <param name="webSocketCloseCode">For a WebSocket, the close code of the session, if it was accepted.</param>
    public AsgiConnectionOutcome(AsgiConnectionEnd end, Exception? exception = null, AsgiProtocolException? protocolViolation = null,
        int? errorStatusCode = null, bool responseTruncated = false, int? webSocketCloseCode = null)
    {
        End = end;
        Exception = exception;
        ProtocolViolation = protocolViolation;
        ErrorStatusCode = errorStatusCode;
        ResponseTruncated = responseTruncated;
        WebSocketCloseCode = webSocketCloseCode;
    }

    /// <summary>The outcome of an HTTP request whose application completed its response and returned.</summary>
    public static AsgiConnectionOutcome Completed { get; } = new(AsgiConnectionEnd.Completed);

    /// <summary>How the connection ended.</summary>
    public AsgiConnectionEnd End { get; }

    /// <summary>What the application raised, or <see langword="null"/> when it returned.</summary>
    public Exception? Exception { get; }

    /// <summary>
    /// The first <see cref="AsgiProtocolException"/> the bridge's <c>send</c> or <c>receive</c> raised on this connection, even
    /// when the application caught it and carried on; <see langword="null"/> when the application broke no rule.
    /// </summary>
    public AsgiProtocolException? ProtocolViolation { get; }

    /// <summary>The status the bridge answered with on the application's behalf (500, 413, 400…), or <see langword="null"/>.</summary>
    public int? ErrorStatusCode { get; }

    /// <summary>Whether the bridge cut off a response that had started, so the client never saw it complete.</summary>
    public bool ResponseTruncated { get; }

    /// <summary>For an accepted WebSocket, the code the session was closed with (sent or received); otherwise <see langword="null"/>.</summary>
    public int? WebSocketCloseCode { get; }

    /// <summary>
    /// The failure to report to a test: <see cref="Exception"/> when the application raised, else the
    /// <see cref="ProtocolViolation"/> it caught, else <see langword="null"/>.
    /// </summary>
    public Exception? Failure => Exception ?? ProtocolViolation;

    /// <inheritdoc />
    public override string ToString() =>
        $"{End}{(ErrorStatusCode is { } status ? $", answered {status}" : string.Empty)}{(ResponseTruncated ? ", response cut off" : string.Empty)}"
        + $"{(WebSocketCloseCode is { } code ? $", close {code}" : string.Empty)}{(Failure is { } failure ? $": {failure.GetType().Name}: {failure.Message}" : string.Empty)}";
}
