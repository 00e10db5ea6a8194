using AsgiBridge.Conversion;

namespace AsgiBridge;

/// <summary>
/// The keys of the specification's three scope types (www 2.5 §HTTP/WebSocket connection scope, lifespan 2.0 §Scope), each
/// described once and shared where the types share a key.
/// </summary>
internal static class ScopeKeys
{
    private static readonly ScopeKey s_type = new("type",
        static _ => true,
        static s => s.Type,
        static (s, v) => v is string type && CheckType(s, type),
        static (f, s) => CheckType(s, f.RequiredString("type")));

    private static readonly ScopeKey s_asgiWww = Asgi("2.0");

    private static readonly ScopeKey s_asgiLifespan = Asgi("1.0");

    private static readonly ScopeKey s_httpVersionRequired = HttpVersion(required: true);

    private static readonly ScopeKey s_httpVersionOptional = HttpVersion(required: false);

    private static readonly ScopeKey s_method = new("method",
        static _ => true,
        static s => ((HttpScope)s).Method,
        static (s, v) => v is string method && Assign(() => ((HttpScope)s).Method = method),
        static (f, s) => ((HttpScope)s).Method = f.RequiredString("method"));

    private static readonly ScopeKey s_schemeHttp = Scheme("http");

    private static readonly ScopeKey s_schemeWs = Scheme("ws");

    private static readonly ScopeKey s_path = new("path",
        static _ => true,
        static s => ((ConnectionScope)s).Path,
        static (s, v) => v is string path && Assign(() => ((ConnectionScope)s).Path = path),
        static (f, s) => ((ConnectionScope)s).Path = f.RequiredString("path"));

    private static readonly ScopeKey s_rawPath = new("raw_path",
        static s => ((ConnectionScope)s).RawPath is not null,
        static s => ((ConnectionScope)s).RawPath is { } raw ? DictionaryValueWriter.Bytes(raw) : null,
        static (_, _) => false,
        static (f, s) => ((ConnectionScope)s).RawPath = f.NullableBytes("raw_path"));

    private static readonly ScopeKey s_queryStringRequired = QueryString(required: true);

    private static readonly ScopeKey s_queryStringOptional = QueryString(required: false);

    private static readonly ScopeKey s_rootPath = new("root_path",
        static _ => true,
        static s => ((ConnectionScope)s).RootPath,
        static (s, v) => v is string rootPath && Assign(() => ((ConnectionScope)s).RootPath = rootPath),
        static (f, s) => ((ConnectionScope)s).RootPath = f.OptionalString("root_path", string.Empty));

    private static readonly ScopeKey s_headers = new("headers",
        static _ => true,
        static s => DictionaryValueWriter.Headers(((ConnectionScope)s).Headers, null, "headers"),
        static (s, v) => v is IReadOnlyList<AsgiHeader> headers && Assign(() => ((ConnectionScope)s).Headers = headers),
        static (f, s) => ((ConnectionScope)s).Headers = f.Headers("headers", required: true));

    private static readonly ScopeKey s_client = new("client",
        static s => ((ConnectionScope)s).Client is not null,
        static s => ((ConnectionScope)s).Client is { } client ? DictionaryValueWriter.Endpoint(client) : null,
        static (s, v) => v is AsgiAddress client && Assign(() => ((ConnectionScope)s).Client = client),
        static (f, s) => ((ConnectionScope)s).Client = f.Endpoint("client", portMayBeNone: false));

    private static readonly ScopeKey s_server = new("server",
        static s => ((ConnectionScope)s).Server is not null,
        static s => ((ConnectionScope)s).Server is { } server ? DictionaryValueWriter.Endpoint(server) : null,
        static (s, v) => v is AsgiAddress server && Assign(() => ((ConnectionScope)s).Server = server),
        static (f, s) => ((ConnectionScope)s).Server = f.Endpoint("server", portMayBeNone: true));

    private static readonly ScopeKey s_subprotocols = new("subprotocols",
        static _ => true,
        static s => DictionaryValueWriter.Strings(((WebSocketScope)s).Subprotocols),
        static (s, v) => v is IReadOnlyList<string> protocols && Assign(() => ((WebSocketScope)s).Subprotocols = protocols),
        static (f, s) => ((WebSocketScope)s).Subprotocols = f.OptionalStrings("subprotocols"));

    private static readonly ScopeKey s_state = new("state",
        static s => s.State is not null,

        // The scope's own dictionary, not a copy: a dict-style application writing into it writes into the scope's state.
        static s => s.State,
        static (s, v) => v is IDictionary<string, object?> state && Assign(() => s.State = state),
        static (f, s) => s.State = ReadState(f));

    private static readonly ScopeKey s_extensions = new("extensions",
        static s => s.Extensions is not null,
        static s => s.Extensions is { } extensions ? new Dictionary<string, object?>(extensions, StringComparer.Ordinal) : null,
        static (s, v) => v is IReadOnlyDictionary<string, object?> extensions && Assign(() => s.Extensions = extensions),
        static (f, s) => s.Extensions = ReadExtensions(f));

    /// <summary>The keys of an <c>http</c> scope.</summary>
    public static ScopeKeyTable Http { get; } = new(s_type, s_asgiWww, s_httpVersionRequired, s_method, s_schemeHttp, s_path, s_rawPath,
        s_queryStringRequired, s_rootPath, s_headers, s_client, s_server, s_state, s_extensions);

    /// <summary>The keys of a <c>websocket</c> scope.</summary>
    public static ScopeKeyTable WebSocket { get; } = new(s_type, s_asgiWww, s_httpVersionOptional, s_schemeWs, s_path, s_rawPath,
        s_queryStringOptional, s_rootPath, s_headers, s_client, s_server, s_subprotocols, s_state, s_extensions);

    /// <summary>The keys of a <c>lifespan</c> scope.</summary>
    public static ScopeKeyTable Lifespan { get; } = new(s_type, s_asgiLifespan, s_state, s_extensions);

    private static ScopeKey Asgi(string defaultSpecVersion) => new("asgi",
        static _ => true,
        static s => DictionaryValueWriter.Version(s.Asgi),
        static (s, v) => v is AsgiVersion version && Assign(() => s.Asgi = version),
        (f, s) =>
        {
            var asgi = f.RequiredDictionary("asgi");
            s.Asgi = new AsgiVersion(VersionKey(f, asgi, "version", "2.0"), VersionKey(f, asgi, "spec_version", defaultSpecVersion));
        });

    private static ScopeKey HttpVersion(bool required) => new("http_version",
        static _ => true,
        static s => ((ConnectionScope)s).HttpVersion,
        static (s, v) => v is string version && Assign(() => ((ConnectionScope)s).HttpVersion = version),
        required
            ? static (f, s) => ((ConnectionScope)s).HttpVersion = f.RequiredString("http_version")
            : static (f, s) => ((ConnectionScope)s).HttpVersion = f.OptionalString("http_version", "1.1"));

    private static ScopeKey Scheme(string defaultScheme) => new("scheme",
        static _ => true,
        static s => ((ConnectionScope)s).Scheme,
        static (s, v) => v is string { Length: > 0 } scheme && Assign(() => ((ConnectionScope)s).Scheme = scheme),
        (f, s) =>
        {
            var scheme = f.OptionalString("scheme", defaultScheme);
            ((ConnectionScope)s).Scheme = scheme.Length > 0 ? scheme : throw f.Error("scheme", "must not be empty.");
        });

    private static ScopeKey QueryString(bool required) => new("query_string",
        static _ => true,
        static s => DictionaryValueWriter.Bytes(((ConnectionScope)s).QueryString),
        static (_, _) => false,
        required
            ? static (f, s) => ((ConnectionScope)s).QueryString = f.RequiredBytes("query_string")

            // The websocket scope's query_string defaults to empty when "missing or None".
            : static (f, s) => ((ConnectionScope)s).QueryString = f.OptionalBytes("query_string", noneIsDefault: true));

    private static bool Assign(Action assign)
    {
        assign();
        return true;
    }

    private static bool CheckType(AsgiScope scope, string type) => string.Equals(type, scope.Type, StringComparison.Ordinal)
        ? true
        : throw new AsgiProtocolException(null, "type", $"the type of a '{scope.Type}' scope cannot be changed to '{type}'.");

    private static string VersionKey(DictionaryFieldReader f, IReadOnlyDictionary<string, object?> asgi, string key, string defaultValue)
    {
        if (!asgi.TryGetValue(key, out var value))
        {
            return defaultValue;
        }

        return value as string ?? throw f.Error("asgi", $"'{key}' must be str, got {DictionaryValueReader.Describe(value)}.");
    }

    private static IDictionary<string, object?>? ReadState(DictionaryFieldReader f)
    {
        if (!f.TryGet("state", out var value))
        {
            return null;
        }

        // The same dictionary object, so state written by a dict-style application is the scope's state.
        return value as IDictionary<string, object?> ?? new Dictionary<string, object?>(f.AsDictionary("state", value), StringComparer.Ordinal);
    }

    private static Dictionary<string, object?>? ReadExtensions(DictionaryFieldReader f)
    {
        // asgiref types extensions as "dict | None", so None reads as "no extensions".
        if (!f.TryGet("extensions", out var value) || value is null)
        {
            return null;
        }

        var extensions = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, data) in f.AsDictionary("extensions", value))
        {
            if (!DictionaryValueReader.IsDictionary(data))
            {
                throw f.Error("extensions", $"the value of extension '{name}' must be a dict, got {DictionaryValueReader.Describe(data)}.");
            }

            extensions[name] = data;
        }

        return extensions;
    }
}
