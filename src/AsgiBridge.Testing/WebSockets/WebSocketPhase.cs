namespace AsgiBridge.Testing.WebSockets;

/// <summary>The phases of a WebSocket connection as the application drives it.</summary>
internal enum WebSocketPhase
{
    /// <summary>Handshake pending: the application must accept, close or send a denial response.</summary>
    Connecting,

    /// <summary>A denial response started; its body follows.</summary>
    Denying,

    /// <summary>Accepted: messages flow both ways.</summary>
    Open,

    /// <summary>The application closed the connection (or denied it).</summary>
    ClosedByApp,

    /// <summary>The client closed the connection.</summary>
    ClosedByClient,
}
