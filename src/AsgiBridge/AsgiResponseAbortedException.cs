namespace AsgiBridge;

/// <summary>
/// Raised by the bridge to the ASP.NET Core server when an application failed after its response started: the server then
/// cuts the response off (HTTP/1.x: the connection closes after the bytes already sent, without the final chunk; HTTP/2
/// and HTTP/3: the stream is reset), so a truncated response never looks complete. The bridge logs the application's own
/// failure; the server logs this one.
/// </summary>
public sealed class AsgiResponseAbortedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AsgiResponseAbortedException()
        : base("The ASGI application failed after its response started; the response was cut off.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened.</param>
    public AsgiResponseAbortedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public AsgiResponseAbortedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
