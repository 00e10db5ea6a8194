using System.Collections.Frozen;
using System.Net.Http.Headers;
using System.Text;
using AsgiBridge.Server;

namespace AsgiBridge.Testing.Http;

/// <summary>
/// Builds <c>http</c> and <c>websocket</c> scopes from a request the way the bridge reads them from Kestrel: lower-case
/// header names with <c>host</c> first, the query string as raw bytes, <c>raw_path</c> as sent, <c>path</c> decoded
/// (including <c>%2F</c>, as the bridge decodes it), <c>root_path</c> included in <c>path</c>, and the extensions the bridge advertises.
/// </summary>
internal static class TestScopeFactory
{
    private static readonly IReadOnlyDictionary<string, object?> s_empty = FrozenDictionary<string, object?>.Empty;

    private static readonly IReadOnlyDictionary<string, object?> s_httpExtensions = new Dictionary<string, object?>
    {
        [AsgiExtensionNames.PathSend] = s_empty,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly IReadOnlyDictionary<string, object?> s_httpExtensionsWithTrailers = new Dictionary<string, object?>
    {
        [AsgiExtensionNames.PathSend] = s_empty,
        [AsgiExtensionNames.Trailers] = s_empty,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly IReadOnlyDictionary<string, object?> s_webSocketExtensions = new Dictionary<string, object?>
    {
        [AsgiExtensionNames.WebSocketHttpResponse] = s_empty,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Builds the scope of an HTTP request.</summary>
    /// <param name="request">The request, with an absolute URI.</param>
    /// <param name="options">The client options.</param>
    /// <param name="state">The lifespan state, or <see langword="null"/>.</param>
    /// <param name="trailersAllowed">Whether trailers are advertised (HTTP/2, or <c>TE: trailers</c>).</param>
    /// <returns>The scope.</returns>
    public static HttpScope CreateHttp(HttpRequestMessage request, AsgiTestClientOptions options, IReadOnlyDictionary<string, object?>? state, bool trailersAllowed)
    {
        var uri = request.RequestUri!;
        var scope = new HttpScope
        {
            Method = request.Method.Method.ToUpperInvariant(),
            HttpVersion = options.UseHttp2 ? "2" : "1.1",
            Scheme = uri.Scheme,
            Headers = HttpHeaders(request, options),
            Extensions = trailersAllowed ? s_httpExtensionsWithTrailers : s_httpExtensions,
        };
        FillConnection(scope, uri, options, state);
        return scope;
    }

    /// <summary>Builds the scope of a WebSocket handshake.</summary>
    /// <param name="uri">The absolute URI (http/https or ws/wss).</param>
    /// <param name="subprotocols">The offered subprotocols.</param>
    /// <param name="extraHeaders">Extra request headers.</param>
    /// <param name="options">The client options.</param>
    /// <param name="state">The lifespan state, or <see langword="null"/>.</param>
    /// <returns>The scope.</returns>
    public static WebSocketScope CreateWebSocket(Uri uri, IReadOnlyList<string> subprotocols, IEnumerable<KeyValuePair<string, string>> extraHeaders,
        AsgiTestClientOptions options, IReadOnlyDictionary<string, object?>? state)
    {
        var secure = uri.Scheme is "https" or "wss";
        var headers = new List<AsgiHeader>
        {
            new("host", HostHeader(uri)),
            new("connection", "Upgrade"),
            new("upgrade", "websocket"),
            new("sec-websocket-version", "13"),
            new("sec-websocket-key", Convert.ToBase64String(Guid.NewGuid().ToByteArray())),
        };
        if (subprotocols.Count > 0)
        {
            headers.Add(new("sec-websocket-protocol", string.Join(", ", subprotocols)));
        }

        foreach (var (name, value) in extraHeaders)
        {
            headers.Add(new(name.ToLowerInvariant(), value));
        }

        var scope = new WebSocketScope
        {
            HttpVersion = options.UseHttp2 ? "2" : "1.1",
            Scheme = secure ? "wss" : "ws",
            Headers = headers,
            Subprotocols = [.. subprotocols],
            Extensions = s_webSocketExtensions,
        };
        FillConnection(scope, uri, options, state);
        return scope;
    }

    /// <summary>The value of the <c>Host</c> header a client sends for a URI.</summary>
    /// <param name="uri">The URI.</param>
    /// <returns>The host, with the port when it is not the scheme's default.</returns>
    public static string HostHeader(Uri uri) => uri.IsDefaultPort ? uri.IdnHost : $"{uri.IdnHost}:{uri.Port}";

    private static void FillConnection(ConnectionScope scope, Uri uri, AsgiTestClientOptions options, IReadOnlyDictionary<string, object?>? state)
    {
        var rawPath = uri.AbsolutePath;
        var rootPath = options.RootPath.TrimEnd('/');
        if (rootPath.Length > 0 && !DecodePath(rawPath).StartsWith(rootPath, StringComparison.Ordinal))
        {
            rawPath = EncodePath(rootPath) + rawPath;
        }

        scope.RawPath = Encoding.Latin1.GetBytes(rawPath);
        scope.Path = DecodePath(rawPath);
        scope.RootPath = rootPath;
        var query = uri.Query;
        scope.QueryString = query.Length <= 1 ? ReadOnlyMemory<byte>.Empty : Encoding.Latin1.GetBytes(query[1..]);
        scope.Client = options.Client;
        scope.Server = new AsgiAddress(uri.Host, uri.Port);
        if (state is not null)
        {
            scope.SetStateSource(state);
        }
    }

    /// <summary>Decodes a raw path exactly as the bridge does: every percent-escape, then UTF-8.</summary>
    /// <param name="rawPath">The path as sent.</param>
    /// <returns>The decoded path.</returns>
    public static string DecodePath(string rawPath) => AsgiPathDecoder.Decode(Encoding.Latin1.GetBytes(rawPath));

    private static string EncodePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    private static List<AsgiHeader> HttpHeaders(HttpRequestMessage request, AsgiTestClientOptions options)
    {
        var uri = request.RequestUri!;
        var headers = new List<AsgiHeader> { new("host", request.Headers.Host ?? HostHeader(uri)) };
        foreach (var header in request.Headers.NonValidated)
        {
            if (string.Equals(header.Key, "Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            headers.Add(new(header.Key.ToLowerInvariant(), Join(header.Key, header.Value)));
        }

        var content = request.Content;
        if (content is null)
        {
            // Like SocketsHttpHandler, a POST, PUT or PATCH without content announces an empty body.
            if (request.Method == HttpMethod.Post || request.Method == HttpMethod.Put || request.Method == HttpMethod.Patch)
            {
                headers.Add(new("content-length", "0"));
            }

            return headers;
        }

        var length = content.Headers.ContentLength; // computes the length when the content can
        foreach (var header in content.Headers.NonValidated)
        {
            headers.Add(new(header.Key.ToLowerInvariant(), Join(header.Key, header.Value)));
        }

        if (length is null && !options.UseHttp2 && request.Headers.TransferEncodingChunked != true)
        {
            headers.Add(new("transfer-encoding", "chunked"));
        }

        return headers;
    }

    private static string Join(string name, HeaderStringValues values)
    {
        if (values.Count == 1)
        {
            foreach (var value in values)
            {
                return value;
            }
        }

        var separator = string.Equals(name, "Cookie", StringComparison.OrdinalIgnoreCase) ? "; "
            : string.Equals(name, "User-Agent", StringComparison.OrdinalIgnoreCase) ? " " : ", ";
        return string.Join(separator, values);
    }
}
