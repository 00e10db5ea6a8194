namespace AsgiBridge.Messages;

/// <summary>The <c>lifespan.shutdown.complete</c> event: the application has cleaned up. Carries no payload: use <see cref="Instance"/>.</summary>
public sealed class LifespanShutdownComplete : AsgiMessage
{
    private LifespanShutdownComplete()
    {
    }

    /// <summary>The single instance.</summary>
    public static LifespanShutdownComplete Instance { get; } = new();

    /// <inheritdoc />
    public override string Type => AsgiMessageTypes.LifespanShutdownComplete;
}
