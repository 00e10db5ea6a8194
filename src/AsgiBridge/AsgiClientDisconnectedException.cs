namespace AsgiBridge;

/// <summary>
/// Raised by <c>send</c> when the client has gone away (ASGI HTTP/WebSocket spec 2.4: a server-specific
/// subclass of <c>OSError</c>). Applications may catch it to clean up. The bridge recognises it when it
/// escapes the application and does not log it as an error.
/// </summary>
public class AsgiClientDisconnectedException : IOException
{
    /// <summary>Creates the exception.</summary>
    public AsgiClientDisconnectedException() : base("The client disconnected.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What happened.</param>
    public AsgiClientDisconnectedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the transport's exception.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The transport's exception.</param>
    public AsgiClientDisconnectedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
