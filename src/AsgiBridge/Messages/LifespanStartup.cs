namespace AsgiBridge.Messages;

/// <summary>The <c>lifespan.startup</c> event: the server is about to accept connections. Carries no payload: use <see cref="Instance"/>.</summary>
public sealed class LifespanStartup : AsgiMessage
{
    private LifespanStartup()
    {
    }

    /// <summary>The single instance.</summary>
    public static LifespanStartup Instance { get; } = new();

    /// <inheritdoc />
    public override string Type => AsgiMessageTypes.LifespanStartup;
}
