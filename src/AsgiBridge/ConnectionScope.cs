using AsgiBridge.Server;

namespace AsgiBridge;

/// <summary>
/// The keys shared by the <c>http</c> and <c>websocket</c> scopes. When the bridge builds the scope from an
/// <see cref="Microsoft.AspNetCore.Http.HttpContext"/>, each key is read from the request the first time it is
/// used and then kept, so keys an application never reads cost nothing; every key can be replaced.
/// </summary>
public abstract class ConnectionScope : AsgiScope
{
    private const int HttpVersionSet = 1, SchemeSet = 2, PathSet = 4, RawPathSet = 8, QuerySet = 16,
        RootPathSet = 32, HeadersSet = 64, ClientSet = 128, ServerSet = 256;

    private int _set;
    private string? _httpVersion;
    private string? _scheme;
    private string? _path;
    private ReadOnlyMemory<byte>? _rawPath;
    private ReadOnlyMemory<byte> _queryString;
    private string? _rootPath;
    private IReadOnlyList<AsgiHeader>? _headers;
    private AsgiAddress? _client;
    private AsgiAddress? _server;

    /// <summary>Creates a scope whose keys are all set by hand (defaults: empty path and headers).</summary>
    protected ConnectionScope()
    {
        _set = ~0;
        _path = "/";
        _rootPath = string.Empty;
        _headers = Array.Empty<AsgiHeader>();
    }

    /// <summary>The <c>http_version</c> key: <c>"1.0"</c>, <c>"1.1"</c>, <c>"2"</c> or <c>"3"</c>.</summary>
    public string HttpVersion
    {
        get => Has(HttpVersionSet) ? _httpVersion! : Set(ref _httpVersion, HttpVersionSet, HttpContextScopeReader.HttpVersion(HttpContext!));
        set => Set(ref _httpVersion, HttpVersionSet, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>The <c>scheme</c> key: <c>http</c>/<c>https</c> or <c>ws</c>/<c>wss</c>; never empty.</summary>
    public string Scheme
    {
        get => Has(SchemeSet) ? _scheme! : Set(ref _scheme, SchemeSet, ReadScheme());
        set => Set(ref _scheme, SchemeSet, string.IsNullOrEmpty(value) ? throw new ArgumentException("The scheme must not be empty.", nameof(value)) : value);
    }

    /// <summary>
    /// The <c>path</c> key: the request path with percent-escapes and UTF-8 decoded, excluding the query string and
    /// including <see cref="RootPath"/> (so <c>path</c> minus <c>root_path</c> is what the application routes on).
    /// </summary>
    public string Path
    {
        get => Has(PathSet) ? _path! : Set(ref _path, PathSet, HttpContextScopeReader.Path(HttpContext!));
        set => Set(ref _path, PathSet, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>The <c>raw_path</c> key: the path exactly as received, without the query; <see langword="null"/> when unknown.</summary>
    public ReadOnlyMemory<byte>? RawPath
    {
        get
        {
            if (!Has(RawPathSet))
            {
                _rawPath = HttpContextScopeReader.RawPath(HttpContext!);
                _set |= RawPathSet;
            }

            return _rawPath;
        }
        set
        {
            _rawPath = value;
            _set |= RawPathSet;
        }
    }

    /// <summary>The <c>query_string</c> key: the bytes after <c>?</c>, still percent-encoded; empty when there is none.</summary>
    public ReadOnlyMemory<byte> QueryString
    {
        get
        {
            if (!Has(QuerySet))
            {
                _queryString = HttpContextScopeReader.QueryString(HttpContext!);
                _set |= QuerySet;
            }

            return _queryString;
        }
        set
        {
            _queryString = value;
            _set |= QuerySet;
        }
    }

    /// <summary>The <c>root_path</c> key: the prefix the application is mounted at (WSGI's <c>SCRIPT_NAME</c>), or empty.</summary>
    public string RootPath
    {
        get => Has(RootPathSet) ? _rootPath! : Set(ref _rootPath, RootPathSet, HttpContext!.Request.PathBase.Value ?? string.Empty);
        set => Set(ref _rootPath, RootPathSet, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>
    /// The <c>headers</c> key: name/value pairs with lower-case names, duplicates kept and the order of values of one
    /// name preserved; HTTP/2 pseudo-headers removed (<c>:authority</c> arrives as <c>host</c>).
    /// </summary>
    public IReadOnlyList<AsgiHeader> Headers
    {
        get => Has(HeadersSet) ? _headers! : Set(ref _headers, HeadersSet, HttpContextScopeReader.Headers(HttpContext!));
        set => Set(ref _headers, HeadersSet, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>The <c>client</c> key: the remote address and port, or <see langword="null"/> when unknown.</summary>
    public AsgiAddress? Client
    {
        get
        {
            if (!Has(ClientSet))
            {
                _client = HttpContextScopeReader.Client(HttpContext!);
                _set |= ClientSet;
            }

            return _client;
        }
        set
        {
            _client = value;
            _set |= ClientSet;
        }
    }

    /// <summary>The <c>server</c> key: the local address and port, or <see langword="null"/> when unknown.</summary>
    public AsgiAddress? Server
    {
        get
        {
            if (!Has(ServerSet))
            {
                _server = HttpContextScopeReader.Server(HttpContext!);
                _set |= ServerSet;
            }

            return _server;
        }
        set
        {
            _server = value;
            _set |= ServerSet;
        }
    }

    /// <summary>
    /// The <c>path_params</c> key (not in the ASGI spec; set by routers, as in starlette): the values of the route
    /// parameters that matched, typed where the route constraint names a type (<c>{id:int}</c> gives an <see cref="int"/>).
    /// Stored in <see cref="AsgiScope.Items"/>, so it travels with <see cref="AsgiScope.Copy"/> and the dictionary form.
    /// </summary>
    public IReadOnlyDictionary<string, object?> PathParams
    {
        get => TryGetItem(PathParamsKey, out var value) && value is IReadOnlyDictionary<string, object?> values
            ? values
            : EmptyPathParams;
        set => Items[PathParamsKey] = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The key under which <see cref="PathParams"/> is stored.</summary>
    public const string PathParamsKey = "path_params";

    private static readonly IReadOnlyDictionary<string, object?> EmptyPathParams = new Dictionary<string, object?>();

    /// <summary>Binds the scope to a request: every key not yet read is read lazily from it.</summary>
    /// <param name="context">The request.</param>
    internal void BindTo(Microsoft.AspNetCore.Http.HttpContext context)
    {
        HttpContext = context;
        _set = 0;
    }

    /// <summary>The scheme to report when reading from the request.</summary>
    /// <returns>The scheme.</returns>
    private protected abstract string ReadScheme();

    /// <inheritdoc />
    protected override bool TryGetSpecKey(string key, out object? value)
    {
        switch (key)
        {
            case "http_version": value = HttpVersion; return true;
            case "scheme": value = Scheme; return true;
            case "path": value = Path; return true;
            case "raw_path": value = RawPath; return true;
            case "query_string": value = QueryString; return true;
            case "root_path": value = RootPath; return true;
            case "headers": value = Headers; return true;
            case "client": value = Client; return true;
            case "server": value = Server; return true;
            default: return base.TryGetSpecKey(key, out value);
        }
    }

    /// <inheritdoc />
    protected override bool TrySetSpecKey(string key, object? value)
    {
        switch (key)
        {
            case "http_version": HttpVersion = Cast<string>(key, value)!; return true;
            case "scheme": Scheme = Cast<string>(key, value)!; return true;
            case "path": Path = Cast<string>(key, value)!; return true;
            case "raw_path": RawPath = value is null ? default(ReadOnlyMemory<byte>?) : AsBytes(key, value); return true;
            case "query_string": QueryString = value is null ? ReadOnlyMemory<byte>.Empty : AsBytes(key, value); return true;
            case "root_path": RootPath = Cast<string>(key, value) ?? string.Empty; return true;
            case "headers": Headers = Cast<IReadOnlyList<AsgiHeader>>(key, value)!; return true;
            case "client": Client = Cast<AsgiAddress>(key, value); return true;
            case "server": Server = Cast<AsgiAddress>(key, value); return true;
            default: return base.TrySetSpecKey(key, value);
        }
    }

    /// <summary>Yields the specification keys shared by http and websocket scopes.</summary>
    /// <returns>The key names.</returns>
    protected IEnumerable<string> ConnectionKeys()
    {
        yield return "http_version";
        yield return "scheme";
        yield return "path";
        if (RawPath is not null)
        {
            yield return "raw_path";
        }

        yield return "query_string";
        yield return "root_path";
        yield return "headers";
        if (Client is not null)
        {
            yield return "client";
        }

        if (Server is not null)
        {
            yield return "server";
        }
    }

    private static ReadOnlyMemory<byte> AsBytes(string key, object value) => value switch
    {
        byte[] bytes => bytes,
        ReadOnlyMemory<byte> memory => memory,
        Memory<byte> memory => memory,
        _ => throw new AsgiProtocolException(null, key, $"expected bytes, got {value.GetType().Name}."),
    };

    private bool Has(int flag) => (_set & flag) != 0;

    private T Set<T>(ref T? field, int flag, T value)
    {
        field = value;
        _set |= flag;
        return value;
    }
}
