namespace AsgiBridge;

/// <summary>The scope of one WebSocket connection (<c>type</c> = <c>"websocket"</c>).</summary>
public sealed class WebSocketScope : ConnectionScope
{
    private IReadOnlyList<string>? _subprotocols;

    /// <summary>Creates a WebSocket scope to fill by hand (for tests and test clients): <c>ws://.../</c> over HTTP/1.1.</summary>
    public WebSocketScope()
    {
        _subprotocols = Array.Empty<string>();
        HttpVersion = "1.1";
        Scheme = "ws";
    }

    /// <summary>Creates a scope bound to a WebSocket request; keys are read lazily.</summary>
    /// <param name="context">The request.</param>
    internal WebSocketScope(Microsoft.AspNetCore.Http.HttpContext context)
    {
        BindTo(context);
    }

    /// <inheritdoc />
    public override string Type => AsgiScopeTypes.WebSocket;

    /// <summary>The <c>subprotocols</c> key: the subprotocols the client offered, in order.</summary>
    public IReadOnlyList<string> Subprotocols
    {
        get => _subprotocols ??= [.. HttpContext!.WebSockets.WebSocketRequestedProtocols];
        set => _subprotocols = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <inheritdoc />
    public override IEnumerable<string> SpecKeys()
    {
        yield return "type";
        yield return "asgi";
        foreach (var key in ConnectionKeys())
        {
            yield return key;
        }

        yield return "subprotocols";
        if (State is not null)
        {
            yield return "state";
        }

        if (Extensions is not null)
        {
            yield return "extensions";
        }
    }

    /// <inheritdoc />
    private protected override string ReadScheme() => HttpContext!.Request.IsHttps ? "wss" : "ws";

    /// <inheritdoc />
    protected override bool TryGetSpecKey(string key, out object? value)
    {
        if (key == "subprotocols")
        {
            value = Subprotocols;
            return true;
        }

        return base.TryGetSpecKey(key, out value);
    }

    /// <inheritdoc />
    protected override bool TrySetSpecKey(string key, object? value)
    {
        if (key == "subprotocols")
        {
            Subprotocols = Cast<IReadOnlyList<string>>(key, value) ?? Array.Empty<string>();
            return true;
        }

        return base.TrySetSpecKey(key, value);
    }
}
