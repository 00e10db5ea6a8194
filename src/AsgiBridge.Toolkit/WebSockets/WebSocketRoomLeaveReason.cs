namespace AsgiBridge.Toolkit;

/// <summary>Why a member is no longer in a <see cref="WebSocketRoom"/>.</summary>
public enum WebSocketRoomLeaveReason
{
    /// <summary>The application removed it (<see cref="WebSocketRoomMember.Leave"/> or disposal).</summary>
    Left,

    /// <summary>A send to it failed because its client is gone (<see cref="IOException"/>, as <see cref="AsgiClientDisconnectedException"/>).</summary>
    Disconnected,

    /// <summary>
    /// Its outbound queue was full (<see cref="WebSocketRoomOptions.MaxQueuedMessages"/>): its client does not keep up. The
    /// room dropped it and closes its WebSocket with <see cref="WebSocketRoomOptions.OverflowCloseCode"/>.
    /// </summary>
    Overflow,

    /// <summary>A send to it failed with another error (an invalid message, for example); the error is logged.</summary>
    Failed,
}
