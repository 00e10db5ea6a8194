namespace AsgiBridge.Hosting;

/// <summary>How an ASGI connection ended, as the bridge saw it; see <see cref="AsgiConnectionOutcome"/>.</summary>
public enum AsgiConnectionEnd
{
    /// <summary>
    /// A normal end. HTTP: the application completed its response. WebSocket: the session was closed (by either side,
    /// <see cref="AsgiConnectionOutcome.WebSocketCloseCode"/> says with which code) or denied as the application asked.
    /// </summary>
    Completed,

    /// <summary>The client went away before the application finished; never an application error (spec: not logged as one).</summary>
    ClientDisconnected,

    /// <summary>
    /// The application raised, or broke the protocol: the bridge answered 500 before the response started, cut the response
    /// off after it started, or closed the WebSocket with 1011.
    /// </summary>
    ApplicationError,

    /// <summary>
    /// The application returned without finishing: no response (500), a response whose body never ended (cut off), or a
    /// WebSocket handshake it never answered (500).
    /// </summary>
    IncompleteResponse,

    /// <summary>The request itself was bad (too large, malformed body or headers): the bridge answered with its 4xx status.</summary>
    BadRequest,

    /// <summary>The connection was still open when the graceful-shutdown drain ran out, and the bridge cut it.</summary>
    ShutdownAborted,
}
