namespace AsgiBridge.Toolkit;

/// <summary>Raised by <see cref="AsgiWebSocket"/> receive methods when the connection closed; carries the close code and reason.</summary>
public sealed class AsgiWebSocketDisconnectedException : AsgiClientDisconnectedException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="code">The close code.</param>
    /// <param name="reason">The close reason.</param>
    public AsgiWebSocketDisconnectedException(int code, string reason)
        : base($"The WebSocket closed with code {code}{(reason.Length > 0 ? $" ({reason})" : string.Empty)}.")
    {
        Code = code;
        Reason = reason;
    }

    /// <summary>Creates the exception.</summary>
    public AsgiWebSocketDisconnectedException()
        : this(1006, string.Empty)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public AsgiWebSocketDisconnectedException(string message)
        : base(message)
    {
        Code = 1006;
        Reason = string.Empty;
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public AsgiWebSocketDisconnectedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = 1006;
        Reason = string.Empty;
    }

    /// <summary>The close code (1005 when the client's close frame had none, 1006 when the connection dropped).</summary>
    public int Code { get; }

    /// <summary>The close reason.</summary>
    public string Reason { get; }
}
