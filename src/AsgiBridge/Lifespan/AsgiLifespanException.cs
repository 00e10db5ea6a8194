namespace AsgiBridge.Lifespan;

/// <summary>
/// Thrown from host start when an ASGI application's lifespan startup does not succeed: the application sent
/// <c>lifespan.startup.failed</c> (its <c>message</c> is part of <see cref="Exception.Message"/>), did not answer within
/// <see cref="AsgiLifespanOptions.StartupTimeout"/>, or, in <see cref="LifespanMode.On"/>, raised or broke the protocol.
/// </summary>
public class AsgiLifespanException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AsgiLifespanException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public AsgiLifespanException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the application's exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public AsgiLifespanException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
