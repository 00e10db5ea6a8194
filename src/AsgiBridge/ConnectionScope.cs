using AsgiBridge.Messages;

namespace AsgiBridge;

/// <summary>
/// The keys shared by the <c>http</c> and <c>websocket</c> scopes. When the server builds the scope, each key is read
/// from the request the first time it is used and then kept, so keys an application never reads cost nothing; every key
/// can be replaced. A key is read from the request only while the connection is open: a scope kept after its connection
/// ended still answers every key read before, and throws <see cref="ObjectDisposedException"/> for the others.
/// </summary>
public abstract class ConnectionScope : AsgiScope
{
    private const int HttpVersionSet = 1, SchemeSet = 2, PathSet = 4, RawPathSet = 8, QuerySet = 16,
        RootPathSet = 32, HeadersSet = 64, ClientSet = 128, ServerSet = 256, AllSet = 511;

    private AsgiConnection? _connection;
    private int _generation;
    private int _set;
    private string? _httpVersion;
    private string? _scheme;
    private string? _path;

    // Arrays rather than ReadOnlyMemory (24 and 16 bytes): the scope is the one object allocated per request, so it is kept small.
    private byte[]? _rawPath;
    private byte[]? _queryString;
    private string? _rootPath;
    private IReadOnlyList<AsgiHeader>? _headers;
    private Addresses? _addresses;

    private protected ConnectionScope(string httpVersion, string scheme)
    {
        _set = AllSet;
        _httpVersion = httpVersion;
        _scheme = scheme;
        _path = "/";
        _rootPath = string.Empty;
        _headers = Array.Empty<AsgiHeader>();
        _queryString = [];
    }

    private protected ConnectionScope(AsgiConnection connection)
    {
        _connection = connection;
        _generation = connection.Generation;
    }

    /// <summary>The <c>http_version</c> key: <c>"1.0"</c>, <c>"1.1"</c>, <c>"2"</c> or <c>"3"</c>.</summary>
    public string HttpVersion
    {
        get => Has(HttpVersionSet) ? _httpVersion! : Set(ref _httpVersion, HttpVersionSet, Source("http_version").ReadHttpVersion());
        set => Set(ref _httpVersion, HttpVersionSet, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>The <c>scheme</c> key: <c>http</c>/<c>https</c> or <c>ws</c>/<c>wss</c>; never empty.</summary>
    public string Scheme
    {
        get => Has(SchemeSet) ? _scheme! : Set(ref _scheme, SchemeSet, Source("scheme").ReadScheme());
        set => Set(ref _scheme, SchemeSet, string.IsNullOrEmpty(value) ? throw new ArgumentException("The scheme must not be empty.", nameof(value)) : value);
    }

    /// <summary>
    /// The <c>path</c> key: the request path with percent-escapes and UTF-8 decoded, excluding the query string and
    /// including <see cref="RootPath"/> (so <c>path</c> minus <c>root_path</c> is what the application routes on).
    /// </summary>
    public string Path
    {
        get => Has(PathSet) ? _path! : Set(ref _path, PathSet, Source("path").ReadPath());
        set => Set(ref _path, PathSet, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>The <c>raw_path</c> key: the path exactly as received, without the query; <see langword="null"/> when unknown.</summary>
    public ReadOnlyMemory<byte>? RawPath
    {
        get
        {
            if (!Has(RawPathSet))
            {
                _rawPath = ToArray(Source("raw_path").ReadRawPath());
                _set |= RawPathSet;
            }

            // Not a conditional expression: a bare null would convert to an empty ReadOnlyMemory (through byte[]), not to None.
            if (_rawPath is null)
            {
                return null;
            }

            return new ReadOnlyMemory<byte>(_rawPath);
        }
        set
        {
            _rawPath = ToArray(value);
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
                _queryString = ToArray(Source("query_string").ReadQueryString());
                _set |= QuerySet;
            }

            return _queryString;
        }
        set
        {
            _queryString = ToArray(value);
            _set |= QuerySet;
        }
    }

    /// <summary>The <c>root_path</c> key: the prefix the application is mounted at (WSGI's <c>SCRIPT_NAME</c>), or empty.</summary>
    public string RootPath
    {
        get => Has(RootPathSet) ? _rootPath! : Set(ref _rootPath, RootPathSet, Source("root_path").ReadRootPath());
        set => Set(ref _rootPath, RootPathSet, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>
    /// The <c>headers</c> key: name/value pairs whose characters are the header bytes, duplicates kept and the order of
    /// values of one name preserved; names lower-case; HTTP/2 pseudo-headers removed (<c>:authority</c> arrives as <c>host</c>).
    /// </summary>
    public IReadOnlyList<AsgiHeader> Headers
    {
        get => Has(HeadersSet) ? _headers! : Set(ref _headers, HeadersSet, Source("headers").ReadHeaders());
        set => Set(ref _headers, HeadersSet, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>The <c>client</c> key: the remote address and port, or <see langword="null"/> when unknown.</summary>
    public AsgiAddress? Client
    {
        get
        {
            if (!Has(ClientSet))
            {
                _addresses = new Addresses(Source("client").ReadClient(), _addresses?.Server);
                _set |= ClientSet;
            }

            return _addresses?.Client;
        }
        set
        {
            _addresses = new Addresses(value, _addresses?.Server);
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
                _addresses = new Addresses(_addresses?.Client, Source("server").ReadServer());
                _set |= ServerSet;
            }

            return _addresses?.Server;
        }
        set
        {
            _addresses = new Addresses(_addresses?.Client, value);
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

    /// <summary>The connection this scope reads from, while it is the connection's current scope; otherwise <see langword="null"/>.</summary>
    internal AsgiConnection? Connection => _connection is { } connection && connection.Generation == _generation ? connection : null;

    /// <summary>The application's <c>receive</c>, bound to this scope's stamp.</summary>
    /// <returns>The next event.</returns>
    internal ValueTask<AsgiMessage> ReceiveFromConnection() => _connection!.ReceiveAsync(_generation);

    /// <summary>The application's <c>send</c>, bound to this scope's stamp.</summary>
    /// <param name="message">The event.</param>
    /// <returns>A task that completes when the event was handled.</returns>
    internal ValueTask SendToConnection(AsgiMessage message) => _connection!.SendAsync(message, _generation);

    /// <summary>The connection to read a key from, while the connection is still this scope's.</summary>
    /// <param name="key">The key being read, named in the error.</param>
    /// <returns>The connection.</returns>
    private protected AsgiConnection Source(string key) => Connection ?? throw new ObjectDisposedException(GetType().Name,
        $"The connection of this scope has ended and '{key}' was not read while it was open; read the keys you keep during the connection.");

    private static byte[] ToArray(ReadOnlyMemory<byte> bytes) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : bytes.ToArray();

    private static byte[]? ToArray(ReadOnlyMemory<byte>? bytes)
    {
        if (bytes is { } value)
        {
            return ToArray(value);
        }

        return null;
    }

    private bool Has(int flag) => (_set & flag) != 0;

    private T Set<T>(ref T? field, int flag, T value)
    {
        field = value;
        _set |= flag;
        return value;
    }

    /// <summary>The <c>client</c> and <c>server</c> keys, held together: both are read rarely, so they share one field.</summary>
    private sealed record Addresses(AsgiAddress? Client, AsgiAddress? Server);
}
