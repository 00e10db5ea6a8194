namespace AsgiBridge.Messages;

/// <summary>The <c>lifespan.startup.failed</c> event: the application's startup failed; <see cref="Message"/> says why.</summary>
public sealed class LifespanStartupFailed : AsgiMessage
{
    /// <summary>Creates the event.</summary>
    /// <param name="message">Why it failed (default empty).</param>
    public LifespanStartupFailed(string? message = null)
    {
        Message = message ?? string.Empty;
    }

    /// <inheritdoc />
    public override string Type => AsgiMessageTypes.LifespanStartupFailed;

    /// <summary>The <c>message</c> field.</summary>
    public string Message { get; }
}
