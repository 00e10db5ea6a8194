namespace AsgiBridge;

/// <summary>The scope of one HTTP request (<c>type</c> = <c>"http"</c>).</summary>
public sealed class HttpScope : ConnectionScope
{
    private string? _method;

    /// <summary>Creates an HTTP scope to fill by hand (for tests and test clients): <c>GET /</c> over HTTP/1.1.</summary>
    public HttpScope()
        : base("1.1", "http")
    {
        _method = "GET";
    }

    /// <summary>Creates a scope whose keys are read lazily from a connection.</summary>
    /// <param name="connection">The connection.</param>
    internal HttpScope(AsgiConnection connection)
        : base(connection)
    {
    }

    /// <inheritdoc />
    public override string Type => AsgiScopeTypes.Http;

    /// <summary>The <c>method</c> key, upper-case.</summary>
    public string Method
    {
        get => _method ??= Source("method").ReadMethod();
        set => _method = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <inheritdoc />
    internal override ScopeKeyTable Keys => ScopeKeys.Http;
}
