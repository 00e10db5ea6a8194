namespace AsgiBridge.Messages;

/// <summary>The <c>lifespan.shutdown.failed</c> event: the application's shutdown failed; <see cref="Message"/> says why.</summary>
public sealed class LifespanShutdownFailed : AsgiMessage
{
    /// <summary>Creates the event.</summary>
    /// <param name="message">Why it failed (default empty).</param>
    public LifespanShutdownFailed(string? message = null)
    {
        Message = message ?? string.Empty;
    }

    /// <inheritdoc />
    public override string Type => AsgiMessageTypes.LifespanShutdownFailed;

    /// <summary>The <c>message</c> field.</summary>
    public string Message { get; }
}
