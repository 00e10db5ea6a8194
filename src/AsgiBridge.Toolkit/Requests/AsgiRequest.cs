using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AsgiBridge.Messages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace AsgiBridge.Toolkit;

/// <summary>
/// A convenient view of an HTTP connection: URL parts, query, headers, cookies and the body (whole, streamed, JSON, form).
/// It reads the scope and calls <c>receive</c>; the raw protocol stays available through <see cref="Scope"/>.
/// </summary>
public sealed class AsgiRequest
{
    private readonly BodyState _state;
    private Dictionary<string, StringValues>? _query;
    private AsgiQueryParams? _queryParams;
    private Dictionary<string, string>? _cookies;
    private AsgiRequestHeaders? _headers;

    /// <summary>Creates the view.</summary>
    /// <param name="scope">The HTTP scope.</param>
    /// <param name="receive">The connection's receive callable.</param>
    public AsgiRequest(HttpScope scope, AsgiReceive receive)
    {
        Scope = scope ?? throw new ArgumentNullException(nameof(scope));
        _state = new BodyState(receive ?? throw new ArgumentNullException(nameof(receive)));
    }

    private AsgiRequest(HttpScope scope, BodyState state)
    {
        Scope = scope;
        _state = state;
    }

    /// <summary>
    /// Returns the request view attached to this connection, creating it on first use, so helpers that share a
    /// connection (an endpoint and its streaming response) share one reader of <c>receive</c>.
    /// </summary>
    /// <param name="scope">The HTTP scope.</param>
    /// <param name="receive">The connection's receive callable.</param>
    /// <returns>The request view.</returns>
    public static AsgiRequest FromScope(HttpScope scope, AsgiReceive receive)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(receive);
        if (scope.Items.TryGetValue(ItemKey, out var existing) && existing is AsgiRequest request)
        {
            if (ReferenceEquals(request.Scope, scope))
            {
                return request;
            }

            // The scope is a copy made after an upstream view was created (a router adding path_params, a middleware
            // adding a user): give the copy its own view, sharing what was already read of the body when it is
            // the same receive (a middleware that wraps receive gets a fresh reader).
            if (request._state.Receive == receive)
            {
                request = new AsgiRequest(scope, request._state);
                scope.Items[ItemKey] = request;
                return request;
            }
        }

        request = new AsgiRequest(scope, receive);
        scope.Items[ItemKey] = request;
        return request;
    }

    private const string ItemKey = "asgibridge.request";

    /// <summary>The underlying scope.</summary>
    public HttpScope Scope { get; }

    /// <summary>The method, upper-case.</summary>
    public string Method => Scope.Method;

    /// <summary>The full path (including <see cref="RootPath"/>), decoded.</summary>
    public string Path => Scope.Path;

    /// <summary>The mount prefix.</summary>
    public string RootPath => Scope.RootPath;

    /// <summary>The query string, still percent-encoded, without <c>?</c>.</summary>
    public string QueryString => Encoding.Latin1.GetString(Scope.QueryString.Span);

    /// <summary>The request URL: scheme, host (from the <c>host</c> header, else the server address), path and query.</summary>
    public Uri Url
    {
        get
        {
            var host = Headers.Get("host");
            if (string.IsNullOrEmpty(host))
            {
                host = Scope.Server is { } server ? HostFor(server) : "localhost";
            }

            var raw = Scope.RawPath is { } rawPath ? Encoding.Latin1.GetString(rawPath.Span) : Uri.EscapeDataString(Path).Replace("%2F", "/", StringComparison.Ordinal);
            var query = QueryString;
            return new Uri($"{Scope.Scheme}://{host}{raw}{(query.Length > 0 ? "?" + query : string.Empty)}");
        }
    }

    private static string HostFor(AsgiAddress server)
    {
        // An IPv6 address goes in brackets in a URL authority.
        var name = server.Host.Contains(':', StringComparison.Ordinal) && !server.Host.StartsWith('[') ? "[" + server.Host + "]" : server.Host;
        return server.Port is { } port ? $"{name}:{port}" : name;
    }

    /// <summary>The query parameters, decoded, with every value of repeated names.</summary>
    public IReadOnlyDictionary<string, StringValues> Query => _query ??= QueryHelpers.ParseNullableQuery(QueryString) ?? new Dictionary<string, StringValues>();

    /// <summary>
    /// The query as starlette's <c>request.query_params</c>: the indexer and a serialised copy give the last value of each
    /// name (<c>dict(request.query_params)</c>), <see cref="AsgiQueryParams.GetList"/> every value.
    /// </summary>
    public AsgiQueryParams QueryParams => _queryParams ??= Scope.QueryString.IsEmpty ? AsgiQueryParams.Empty : new AsgiQueryParams(QueryString);

    /// <summary>The headers: case-insensitive names, every value.</summary>
    public AsgiRequestHeaders Headers => _headers ??= new AsgiRequestHeaders(Scope.Headers);

    /// <summary>The cookies sent by the client.</summary>
    public IReadOnlyDictionary<string, string> Cookies => _cookies ??= CookieParser.Parse(Scope.Headers);

    /// <summary>The client address, when known.</summary>
    public AsgiAddress? Client => Scope.Client;

    /// <summary>The route parameters set by a router.</summary>
    public IReadOnlyDictionary<string, object?> PathParams => Scope.PathParams;

    /// <summary>The <c>content-type</c> header, or <see langword="null"/>.</summary>
    public string? ContentType => Headers.Get("content-type");

    /// <summary>
    /// Whether the client has disconnected, as far as is known now, without waiting. Once the body has been read, the first
    /// check starts listening for <c>http.disconnect</c> (as <see cref="WaitForDisconnectAsync"/> does), so from then on
    /// this request owns <c>receive</c>; before that, only a disconnect seen while reading the body counts.
    /// </summary>
    public bool IsDisconnected
    {
        get
        {
            if (!_state.Disconnected && _state.BodyComplete)
            {
                var pending = _state.PendingDisconnect ??= WaitCoreAsync();
                if (pending.IsCompletedSuccessfully && pending.Result is HttpDisconnect)
                {
                    _state.Disconnected = true;
                }
            }

            return _state.Disconnected;
        }
    }

    /// <summary>Reads the whole body (once; later calls return the same bytes).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The body.</returns>
    public async Task<byte[]> ReadBodyAsync(CancellationToken cancellationToken = default)
    {
        if (_state.Body is not null)
        {
            return _state.Body;
        }

        using var buffer = new MemoryStream();
        await foreach (var chunk in StreamAsync(cancellationToken).ConfigureAwait(false))
        {
            buffer.Write(chunk.Span);
        }

        return _state.Body = buffer.ToArray();
    }

    /// <summary>Reads the body as UTF-8 text.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The text.</returns>
    public async Task<string> ReadTextAsync(CancellationToken cancellationToken = default) =>
        Encoding.UTF8.GetString(await ReadBodyAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Streams the body chunk by chunk as it arrives, without buffering it. It can be consumed once; the stream ends early
    /// (with <see cref="IsDisconnected"/> set) when the client goes away. The chunks are the server's: with the bridge's
    /// pooled request body buffers (<c>AsgiOptions.RequestBodyBuffers</c>) each is valid until the application returns,
    /// so copy what must outlive it. <see cref="ReadBodyAsync"/> always returns a copy.
    /// </summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The chunks.</returns>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> StreamAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (_state.Body is not null)
        {
            yield return _state.Body;
            yield break;
        }

        if (_state.StreamStarted)
        {
            throw new InvalidOperationException("The request body has already been consumed.");
        }

        _state.StreamStarted = true;
        while (!_state.BodyComplete)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var message = await _state.Receive().ConfigureAwait(false);
            switch (message)
            {
                case HttpRequestBody body:
                    _state.BodyComplete = !body.MoreBody;
                    if (!body.Body.IsEmpty)
                    {
                        yield return body.Body;
                    }

                    break;
                case HttpDisconnect:
                    _state.Disconnected = true;
                    _state.BodyComplete = true;
                    yield break;
                default:
                    throw new AsgiProtocolException(message.Type, null, "unexpected message while reading the request body.");
            }
        }
    }

    /// <summary>Opens the body as a read-only stream (for parsers that want a <see cref="Stream"/>).</summary>
    /// <returns>The stream.</returns>
    public Stream OpenBodyStream() => new AsgiRequestBodyStream(this);

    /// <summary>Deserializes the JSON body with source-generated metadata (trimming- and AOT-safe).</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <param name="typeInfo">The JSON type metadata.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The value.</returns>
    public async Task<T?> ReadJsonAsync<T>(JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default) =>
        JsonSerializer.Deserialize(await ReadBodyAsync(cancellationToken).ConfigureAwait(false), typeInfo);

    /// <summary>Deserializes the JSON body with reflection-based metadata.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <param name="options">Serializer options (default: web defaults, camelCase, case-insensitive).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The value.</returns>
    [RequiresUnreferencedCode("Reflection-based JSON; use the JsonTypeInfo overload for trimmed or AOT apps.")]
    [RequiresDynamicCode("Reflection-based JSON; use the JsonTypeInfo overload for trimmed or AOT apps.")]
    public async Task<T?> ReadJsonAsync<T>(JsonSerializerOptions? options = null, CancellationToken cancellationToken = default) =>
        JsonSerializer.Deserialize<T>(await ReadBodyAsync(cancellationToken).ConfigureAwait(false), options ?? JsonSerializerOptions.Web);

    /// <summary>Parses a urlencoded or multipart form, streaming it (file parts over the threshold go to temporary files).</summary>
    /// <param name="options">Limits; default <see cref="AsgiFormOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The form; dispose it to delete temporary files.</returns>
    /// <exception cref="InvalidDataException">The body is not a well-formed form or exceeds a limit.</exception>
    public async Task<AsgiForm> ReadFormAsync(AsgiFormOptions? options = null, CancellationToken cancellationToken = default)
    {
        var stream = _state.Body is not null ? new MemoryStream(_state.Body, writable: false) : OpenBodyStream();
        await using (stream.ConfigureAwait(false))
        {
            return await FormParser.ParseAsync(stream, ContentType, options ?? AsgiFormOptions.Default, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Completes when <c>receive</c> yields <c>http.disconnect</c>: when the client goes away or, on servers that follow
    /// the spec, once the response is complete. Body chunks not read yet are read and discarded (as starlette's
    /// streaming responses do). Streaming responses use it to stop producing when nobody listens.
    /// </summary>
    /// <returns>A task completing with the disconnect.</returns>
    public Task WaitForDisconnectAsync()
    {
        if (_state.Disconnected)
        {
            return Task.CompletedTask;
        }

        return _state.PendingDisconnect ??= WaitCoreAsync();
    }

    private async Task<AsgiMessage> WaitCoreAsync()
    {
        _state.StreamStarted = true;
        while (true)
        {
            var message = await _state.Receive().ConfigureAwait(false);
            if (message is HttpDisconnect)
            {
                _state.Disconnected = true;
                _state.BodyComplete = true;
                return message;
            }

            if (message is HttpRequestBody { MoreBody: false })
            {
                _state.BodyComplete = true;
            }
        }
    }

    /// <summary>What is known about the body and the disconnect of one connection, shared by the views of its scope copies.</summary>
    private sealed class BodyState(AsgiReceive receive)
    {
        public AsgiReceive Receive { get; } = receive;

        public byte[]? Body { get; set; }

        public bool StreamStarted { get; set; }

        public bool BodyComplete { get; set; }

        public volatile bool Disconnected;

        public Task<AsgiMessage>? PendingDisconnect { get; set; }
    }
}
