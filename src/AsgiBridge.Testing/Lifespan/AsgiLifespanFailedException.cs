namespace AsgiBridge.Testing;

/// <summary>
/// The application's lifespan failed: it sent <c>lifespan.startup.failed</c> or <c>lifespan.shutdown.failed</c>, or
/// (in <see cref="TestLifespanMode.On"/> mode, and always during shutdown) raised. <see cref="Exception.Message"/>
/// carries the application's message; an exception the application raised is the <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class AsgiLifespanFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AsgiLifespanFailedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public AsgiLifespanFailedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the application's exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The application's exception.</param>
    public AsgiLifespanFailedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>The <c>message</c> field of the application's <c>*.failed</c> event, when it sent one.</summary>
    public string? AppMessage { get; init; }
}
