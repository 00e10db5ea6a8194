using System.Collections.Frozen;
using System.Collections.ObjectModel;
using AsgiBridge.Conversion;

namespace AsgiBridge.Conversion;

/// <summary>
/// Converts connection scopes between the typed classes (<see cref="HttpScope"/>, <see cref="WebSocketScope"/>,
/// <see cref="LifespanScope"/>) and the dictionary form of the specification. Converting a scope to a dictionary and
/// back gives a scope whose dictionary form is equal, including header bytes 0x80–0xFF and an empty versus an absent
/// <c>raw_path</c>.
/// </summary>
/// <remarks>
/// <para>
/// The dictionary form holds every specification key the scope has (a key whose value is unknown, such as an absent
/// <c>raw_path</c>, <c>client</c> or <c>state</c>, is left out), in the specification's shapes: <c>asgi</c> as
/// <c>{"version", "spec_version"}</c>, byte strings as <c>byte[]</c>, <c>headers</c> as a list of
/// <c>[name, value]</c> byte-string lists, <c>client</c>/<c>server</c> as <c>[host, port]</c> lists. <c>state</c> is
/// the scope's own dictionary (not a copy), so a dict-style application writing into it writes into the scope's
/// state; <c>extensions</c> is a new dictionary holding the scope's extension entries. Custom keys from
/// <see cref="AsgiScope.Items"/> are added as they are.
/// </para>
/// <para>
/// Reading requires the keys the specification requires (for example <c>method</c>, <c>path</c>, <c>query_string</c>
/// and <c>headers</c> of an http scope), applies the specification's defaults to absent optional keys, and puts every
/// key that is not a specification key of that scope type into <see cref="AsgiScope.Items"/> unchanged.
/// </para>
/// </remarks>
public static class AsgiScopeConverter
{
    private static readonly FrozenSet<string> s_baseKeys = FrozenSet.Create(StringComparer.Ordinal, "type", "asgi", "state", "extensions");

    private static readonly FrozenSet<string> s_httpKeys = FrozenSet.Create(StringComparer.Ordinal,
        "type", "asgi", "http_version", "method", "scheme", "path", "raw_path", "query_string", "root_path", "headers",
        "client", "server", "state", "extensions");

    private static readonly FrozenSet<string> s_webSocketKeys = FrozenSet.Create(StringComparer.Ordinal,
        "type", "asgi", "http_version", "scheme", "path", "raw_path", "query_string", "root_path", "headers",
        "client", "server", "subprotocols", "state", "extensions");

    /// <summary>Converts a scope to its dictionary form.</summary>
    /// <param name="scope">The scope.</param>
    /// <returns>A new dictionary with the scope's specification keys and custom keys.</returns>
    /// <exception cref="AsgiProtocolException">A header holds a character above U+00FF, so it is not a byte string.</exception>
    public static Dictionary<string, object?> ToDictionary(AsgiScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var d = new Dictionary<string, object?>(16, StringComparer.Ordinal);
        foreach (var key in scope.SpecKeys())
        {
            d[key] = WriteKey(scope, key);
        }

        foreach (var item in scope.Items)
        {
            d.TryAdd(item.Key, item.Value);
        }

        return d;
    }

    /// <summary>Converts a scope in dictionary form to the typed scope of its <c>type</c>.</summary>
    /// <param name="scope">The scope: <c>"type"</c> is <c>"http"</c>, <c>"websocket"</c> or <c>"lifespan"</c>.</param>
    /// <returns>An <see cref="HttpScope"/>, <see cref="WebSocketScope"/> or <see cref="LifespanScope"/>.</returns>
    /// <exception cref="AsgiProtocolException">The type is unknown, a required key is missing or a key has the wrong type; the message names the key.</exception>
    public static AsgiScope FromDictionary(IReadOnlyDictionary<string, object?> scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (!scope.TryGetValue("type", out var typeValue) || typeValue is not string type)
        {
            throw new AsgiProtocolException(null, "type", scope.ContainsKey("type")
                ? $"an ASGI scope must have a str 'type', got {DictionaryValueReader.Describe(typeValue)}."
                : "an ASGI scope must have a str 'type', but the key is missing.");
        }

        var f = DictionaryFieldReader.ForScope(scope, type);
        (AsgiScope result, FrozenSet<string> keys) = type switch
        {
            AsgiScopeTypes.Http => (ReadHttp(f), s_httpKeys),
            AsgiScopeTypes.WebSocket => (ReadWebSocket(f), s_webSocketKeys),
            AsgiScopeTypes.Lifespan => ((AsgiScope)new LifespanScope(), s_baseKeys),
            _ => throw new AsgiProtocolException(null, "type", $"unknown ASGI scope type '{type}'; expected 'http', 'websocket' or 'lifespan'."),
        };

        result.Asgi = ReadVersion(f, type == AsgiScopeTypes.Lifespan ? "1.0" : "2.0");
        result.State = ReadState(f);
        result.Extensions = ReadExtensions(f);
        foreach (var entry in scope)
        {
            if (!keys.Contains(entry.Key))
            {
                result.Items[entry.Key] = entry.Value;
            }
        }

        return result;
    }

    /// <inheritdoc cref="FromDictionary(IReadOnlyDictionary{string, object?})"/>
    public static AsgiScope FromDictionary(IDictionary<string, object?> scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return FromDictionary(scope as IReadOnlyDictionary<string, object?> ?? new ReadOnlyDictionary<string, object?>(scope));
    }

    /// <inheritdoc cref="FromDictionary(IReadOnlyDictionary{string, object?})"/>
    public static AsgiScope FromDictionary(Dictionary<string, object?> scope) => FromDictionary((IReadOnlyDictionary<string, object?>)scope);

    private static object? WriteKey(AsgiScope scope, string key)
    {
        switch (key)
        {
            case "type": return scope.Type;
            case "asgi": return DictionaryValueWriter.Version(scope.Asgi);
            case "state": return scope.State;
            case "extensions": return scope.Extensions is { } extensions ? new Dictionary<string, object?>(extensions, StringComparer.Ordinal) : null;
            case "method" when scope is HttpScope http: return http.Method;
            case "subprotocols" when scope is WebSocketScope webSocket: return DictionaryValueWriter.Strings(webSocket.Subprotocols);
        }

        if (scope is not ConnectionScope c)
        {
            return scope[key];
        }

        return key switch
        {
            "http_version" => c.HttpVersion,
            "scheme" => c.Scheme,
            "path" => c.Path,
            "raw_path" => c.RawPath is { } raw ? DictionaryValueWriter.Bytes(raw) : null,
            "query_string" => DictionaryValueWriter.Bytes(c.QueryString),
            "root_path" => c.RootPath,
            "headers" => DictionaryValueWriter.Headers(c.Headers, null, "headers"),
            "client" => c.Client is { } client ? DictionaryValueWriter.Endpoint(client) : null,
            "server" => c.Server is { } server ? DictionaryValueWriter.Endpoint(server) : null,
            _ => scope[key],
        };
    }

    private static HttpScope ReadHttp(DictionaryFieldReader f)
    {
        var scope = new HttpScope
        {
            HttpVersion = f.RequiredString("http_version"),
            Method = f.RequiredString("method"),
            QueryString = f.RequiredBytes("query_string"),
        };
        ReadConnection(f, scope, "http");
        return scope;
    }

    private static WebSocketScope ReadWebSocket(DictionaryFieldReader f)
    {
        var scope = new WebSocketScope
        {
            HttpVersion = f.OptionalString("http_version", "1.1"),
            QueryString = f.OptionalBytes("query_string", noneIsDefault: true),
            Subprotocols = f.OptionalStrings("subprotocols"),
        };
        ReadConnection(f, scope, "ws");
        return scope;
    }

    private static void ReadConnection(DictionaryFieldReader f, ConnectionScope scope, string defaultScheme)
    {
        var scheme = f.OptionalString("scheme", defaultScheme);
        scope.Scheme = scheme.Length > 0 ? scheme : throw f.Error("scheme", "must not be empty.");
        scope.Path = f.RequiredString("path");
        scope.RawPath = f.NullableBytes("raw_path");
        scope.RootPath = f.OptionalString("root_path", string.Empty);
        scope.Headers = f.Headers("headers", required: true);
        scope.Client = f.Endpoint("client", portMayBeNone: false);
        scope.Server = f.Endpoint("server", portMayBeNone: true);
    }

    private static AsgiVersion ReadVersion(DictionaryFieldReader f, string defaultSpecVersion)
    {
        var asgi = f.RequiredDictionary("asgi");
        return new AsgiVersion(VersionKey(f, asgi, "version", "2.0"), VersionKey(f, asgi, "spec_version", defaultSpecVersion));
    }

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
