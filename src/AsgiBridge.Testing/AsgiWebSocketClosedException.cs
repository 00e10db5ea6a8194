namespace AsgiBridge.Testing;

/// <summary>A test expected a WebSocket message, but the application closed the connection (or had already closed it).</summary>
public sealed class AsgiWebSocketClosedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AsgiWebSocketClosedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What happened.</param>
    public AsgiWebSocketClosedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public AsgiWebSocketClosedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    internal AsgiWebSocketClosedException(int code, string reason)
        : base($"The application closed the WebSocket with code {code}{(reason.Length > 0 ? $" ('{reason}')" : string.Empty)}.")
    {
        Code = code;
        Reason = reason;
    }

    internal AsgiWebSocketClosedException(string message, int code)
        : base(message)
    {
        Code = code;
    }

    /// <summary>The close code the application sent (1006 when the connection ended without a close frame).</summary>
    public int Code { get; }

    /// <summary>The close reason the application sent.</summary>
    public string Reason { get; } = string.Empty;
}
