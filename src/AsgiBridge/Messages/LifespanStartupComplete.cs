namespace AsgiBridge.Messages;

/// <summary>The <c>lifespan.startup.complete</c> event: the application is ready to serve. Carries no payload: use <see cref="Instance"/>.</summary>
public sealed class LifespanStartupComplete : AsgiMessage
{
    private LifespanStartupComplete()
    {
    }

    /// <summary>The single instance.</summary>
    public static LifespanStartupComplete Instance { get; } = new();

    /// <inheritdoc />
    public override string Type => AsgiMessageTypes.LifespanStartupComplete;
}
