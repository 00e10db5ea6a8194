namespace AsgiBridge;

/// <summary>The lifespan scope (<c>type</c> = <c>"lifespan"</c>): the application's startup and shutdown.</summary>
public sealed class LifespanScope : AsgiScope
{
    /// <summary>Creates a lifespan scope with ASGI 3.0 / lifespan 2.0 and an empty <c>state</c> namespace.</summary>
    public LifespanScope()
    {
        SetProtocol(ScopeProtocol.Lifespan);
        State = new Dictionary<string, object?>(StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public override string Type => AsgiScopeTypes.Lifespan;

    /// <inheritdoc />
    internal override ScopeKeyTable Keys => ScopeKeys.Lifespan;
}
