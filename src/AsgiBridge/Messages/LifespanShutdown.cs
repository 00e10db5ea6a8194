namespace AsgiBridge.Messages;

/// <summary>The <c>lifespan.shutdown</c> event: the server has stopped serving and is about to exit. Carries no payload: use <see cref="Instance"/>.</summary>
public sealed class LifespanShutdown : AsgiMessage
{
    private LifespanShutdown()
    {
    }

    /// <summary>The single instance.</summary>
    public static LifespanShutdown Instance { get; } = new();

    /// <inheritdoc />
    public override string Type => AsgiMessageTypes.LifespanShutdown;
}
