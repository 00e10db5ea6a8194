namespace AsgiBridge;

/// <summary>The scope of one HTTP request (<c>type</c> = <c>"http"</c>).</summary>
public sealed class HttpScope : ConnectionScope
{
    private string? _method;

    /// <summary>Creates an HTTP scope to fill by hand (for tests and test clients): <c>GET /</c> over HTTP/1.1.</summary>
    public HttpScope()
    {
        _method = "GET";
        HttpVersion = "1.1";
        Scheme = "http";
    }

    /// <summary>Creates a scope bound to a request; keys are read lazily.</summary>
    /// <param name="context">The request.</param>
    internal HttpScope(Microsoft.AspNetCore.Http.HttpContext context)
    {
        BindTo(context);
    }

    /// <inheritdoc />
    public override string Type => AsgiScopeTypes.Http;

    /// <summary>The <c>method</c> key, upper-case.</summary>
    public string Method
    {
        get => _method ??= AsgiBridge.Server.HttpContextScopeReader.Method(HttpContext!);
        set => _method = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <inheritdoc />
    public override IEnumerable<string> SpecKeys()
    {
        yield return "type";
        yield return "asgi";
        foreach (var key in ConnectionKeys())
        {
            yield return key;
            if (key == "http_version")
            {
                yield return "method";
            }
        }

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
    private protected override string ReadScheme() => HttpContext!.Request.Scheme;

    /// <inheritdoc />
    protected override bool TryGetSpecKey(string key, out object? value)
    {
        if (key == "method")
        {
            value = Method;
            return true;
        }

        return base.TryGetSpecKey(key, out value);
    }

    /// <inheritdoc />
    protected override bool TrySetSpecKey(string key, object? value)
    {
        if (key == "method")
        {
            Method = Cast<string>(key, value) ?? throw new AsgiProtocolException(null, key, "must not be null.");
            return true;
        }

        return base.TrySetSpecKey(key, value);
    }
}
