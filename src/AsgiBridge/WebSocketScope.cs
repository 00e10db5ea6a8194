namespace AsgiBridge;

/// <summary>The scope of one WebSocket connection (<c>type</c> = <c>"websocket"</c>).</summary>
public sealed class WebSocketScope : ConnectionScope
{
    private IReadOnlyList<string>? _subprotocols;

    /// <summary>Creates a WebSocket scope to fill by hand (for tests and test clients): <c>ws://.../</c> over HTTP/1.1.</summary>
    public WebSocketScope()
        : base("1.1", "ws")
    {
        _subprotocols = Array.Empty<string>();
    }

    /// <summary>Creates a scope whose keys are read lazily from a connection.</summary>
    /// <param name="connection">The connection.</param>
    internal WebSocketScope(AsgiConnection connection)
        : base(connection)
    {
    }

    /// <inheritdoc />
    public override string Type => AsgiScopeTypes.WebSocket;

    /// <summary>The <c>subprotocols</c> key: the subprotocols the client offered, in order.</summary>
    public IReadOnlyList<string> Subprotocols
    {
        get => _subprotocols ??= Source("subprotocols").ReadSubprotocols();
        set => _subprotocols = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <inheritdoc />
    internal override ScopeKeyTable Keys => ScopeKeys.WebSocket;
}
