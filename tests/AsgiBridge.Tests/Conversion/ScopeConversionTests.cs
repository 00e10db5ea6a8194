using System.Net;
using AsgiBridge.Conversion;
using AsgiBridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using static AsgiBridge.Tests.Conversion.MessageSamples;

namespace AsgiBridge.Tests.Conversion;

public sealed class ScopeConversionTests
{
    private static readonly Func<Task> s_backgroundTask = () => Task.CompletedTask;

    private static HttpScope FullHttpScope(Dictionary<string, object?> state)
    {
        var scope = new HttpScope
        {
            HttpVersion = "2",
            Method = "POST",
            Scheme = "https",
            Path = "/api/caf\u00e9",
            RawPath = B("/api/caf%C3%A9"),
            QueryString = B("q=1&x=%20"),
            RootPath = "/api",
            Headers = [new("host", "example.org"), new("x-bin", HighBytes), new("cookie", "a=1"), new("cookie", "b=2")],
            Client = new AsgiAddress("10.0.0.1", 51234),
            Server = new AsgiAddress("/run/app.sock", null),
            State = state,
            Extensions = new Dictionary<string, object?> { ["http.response.trailers"] = new Dictionary<string, object?>() },
        };
        scope["user"] = "alice";
        scope.Items["background"] = s_backgroundTask;
        return scope;
    }

    private static Dictionary<string, object?> FullHttpDictionary(Dictionary<string, object?> state) => new()
    {
        ["type"] = "http",
        ["asgi"] = new Dictionary<string, object?> { ["version"] = "3.0", ["spec_version"] = "2.5" },
        ["http_version"] = "2",
        ["method"] = "POST",
        ["scheme"] = "https",
        ["path"] = "/api/caf\u00e9",
        ["raw_path"] = B("/api/caf%C3%A9"),
        ["query_string"] = B("q=1&x=%20"),
        ["root_path"] = "/api",
        ["headers"] = H(("host", "example.org"), ("x-bin", HighBytes), ("cookie", "a=1"), ("cookie", "b=2")),
        ["client"] = new List<object?> { "10.0.0.1", 51234 },
        ["server"] = new List<object?> { "/run/app.sock", null },
        ["state"] = state,
        ["extensions"] = new Dictionary<string, object?> { ["http.response.trailers"] = new Dictionary<string, object?>() },
        ["user"] = "alice",
        ["background"] = s_backgroundTask,
    };

    [Fact]
    public void Http_scope_to_dictionary_has_every_key_in_spec_form()
    {
        var state = new Dictionary<string, object?> { ["db"] = "pool" };
        var d = AsgiScopeConverter.ToDictionary(FullHttpScope(state));
        DictionaryAssert.DeepEqual(FullHttpDictionary(state), d);
        Assert.Same(state, d["state"]);
        Assert.Same(s_backgroundTask, d["background"]);
        Assert.IsType<int>(((List<object?>)d["client"]!)[1]);
    }

    [Fact]
    public void Http_dictionary_to_scope_fills_every_typed_property()
    {
        var state = new Dictionary<string, object?> { ["db"] = "pool" };
        var scope = Assert.IsType<HttpScope>(AsgiScopeConverter.FromDictionary(FullHttpDictionary(state)));
        Assert.Equal(new AsgiVersion("3.0", "2.5"), scope.Asgi);
        Assert.Equal("2", scope.HttpVersion);
        Assert.Equal("POST", scope.Method);
        Assert.Equal("https", scope.Scheme);
        Assert.Equal("/api/caf\u00e9", scope.Path);
        Assert.Equal(B("/api/caf%C3%A9"), scope.RawPath!.Value.ToArray());
        Assert.Equal(B("q=1&x=%20"), scope.QueryString.ToArray());
        Assert.Equal("/api", scope.RootPath);
        Assert.Equal([new("host", "example.org"), new("x-bin", HighBytes), new("cookie", "a=1"), new("cookie", "b=2")], scope.Headers);
        Assert.Equal(new byte[] { 0x63, 0x61, 0x66, 0xE9, 0x20, 0x80, 0xFF }, scope.Headers[1].ValueBytes);
        Assert.Equal(new AsgiAddress("10.0.0.1", 51234), scope.Client);
        Assert.Equal(new AsgiAddress("/run/app.sock", null), scope.Server);
        Assert.Same(state, scope.State);
        Assert.True(scope.SupportsExtension(AsgiExtensionNames.Trailers));
        Assert.Equal("alice", scope["user"]);
        Assert.Same(s_backgroundTask, scope.Items["background"]);
    }

    [Fact]
    public void Http_scope_round_trip_is_lossless()
    {
        var first = AsgiScopeConverter.ToDictionary(FullHttpScope(new Dictionary<string, object?> { ["n"] = 1 }));
        var second = AsgiScopeConverter.ToDictionary(AsgiScopeConverter.FromDictionary(first));
        DictionaryAssert.DeepEqual(first, second);
        Assert.Same(first["state"], second["state"]);
    }

    [Fact]
    public void Empty_and_absent_raw_path_stay_distinct()
    {
        var empty = new HttpScope { RawPath = ReadOnlyMemory<byte>.Empty };
        var emptyDict = AsgiScopeConverter.ToDictionary(empty);
        Assert.Equal(Array.Empty<byte>(), Assert.IsType<byte[]>(emptyDict["raw_path"]));
        Assert.Equal(0, ((ConnectionScope)AsgiScopeConverter.FromDictionary(emptyDict)).RawPath!.Value.Length);

        var absent = new HttpScope { RawPath = null };
        var absentDict = AsgiScopeConverter.ToDictionary(absent);
        Assert.False(absentDict.ContainsKey("raw_path"));
        Assert.Null(((ConnectionScope)AsgiScopeConverter.FromDictionary(absentDict)).RawPath);

        absentDict["raw_path"] = null;
        Assert.Null(((ConnectionScope)AsgiScopeConverter.FromDictionary(absentDict)).RawPath);
    }

    [Fact]
    public void Scope_indexer_sets_raw_path_none_as_absent_not_empty()
    {
        var scope = new HttpScope { RawPath = B("/x") };
        scope["raw_path"] = null;
        Assert.Null(scope.RawPath);
        Assert.False(scope.ContainsKey("raw_path"));
    }

    [Fact]
    public void Http_scope_without_optional_keys_gets_the_spec_defaults()
    {
        var scope = Assert.IsType<HttpScope>(AsgiScopeConverter.FromDictionary(new Dictionary<string, object?>
        {
            ["type"] = "http",
            ["asgi"] = new Dictionary<string, object?>(),
            ["http_version"] = "1.1",
            ["method"] = "GET",
            ["path"] = "/",
            ["query_string"] = Array.Empty<byte>(),
            ["headers"] = new List<object?>(),
        }));
        Assert.Equal(new AsgiVersion("2.0", "2.0"), scope.Asgi);
        Assert.Equal("http", scope.Scheme);
        Assert.Equal(string.Empty, scope.RootPath);
        Assert.Null(scope.RawPath);
        Assert.Null(scope.Client);
        Assert.Null(scope.Server);
        Assert.Null(scope.State);
        Assert.Null(scope.Extensions);
        var d = AsgiScopeConverter.ToDictionary(scope);
        Assert.False(d.ContainsKey("state") || d.ContainsKey("extensions") || d.ContainsKey("client") || d.ContainsKey("raw_path"));
    }

    [Fact]
    public void WebSocket_scope_round_trip_is_lossless()
    {
        var scope = new WebSocketScope
        {
            Scheme = "wss",
            Path = "/ws",
            RawPath = B("/ws"),
            QueryString = B("token=%FF"),
            Headers = [new("sec-websocket-protocol", "chat, superchat"), new("x-bin", HighBytes)],
            Subprotocols = ["chat", "superchat"],
            Client = new AsgiAddress("::1", 40000),
            Server = new AsgiAddress("::1", 443),
            State = new Dictionary<string, object?> { ["rooms"] = new List<object?>() },
            Extensions = new Dictionary<string, object?> { [AsgiExtensionNames.WebSocketHttpResponse] = new Dictionary<string, object?>() },
        };
        scope["session"] = 42;

        var first = AsgiScopeConverter.ToDictionary(scope);
        Assert.Equal("websocket", first["type"]);
        Assert.False(first.ContainsKey("method"));
        DictionaryAssert.DeepEqual(new List<object?> { "chat", "superchat" }, first["subprotocols"]);
        var back = Assert.IsType<WebSocketScope>(AsgiScopeConverter.FromDictionary(first));
        Assert.Equal(["chat", "superchat"], back.Subprotocols);
        Assert.Equal(42, back["session"]);
        DictionaryAssert.DeepEqual(first, AsgiScopeConverter.ToDictionary(back));
    }

    [Fact]
    public void WebSocket_scope_defaults_follow_the_spec()
    {
        var scope = Assert.IsType<WebSocketScope>(AsgiScopeConverter.FromDictionary(new Dictionary<string, object?>
        {
            ["type"] = "websocket",
            ["asgi"] = new Dictionary<string, object?> { ["version"] = "3.0" },
            ["path"] = "/ws",
            ["query_string"] = null,
            ["headers"] = new List<object?>(),
            ["method"] = "GET",
        }));
        Assert.Equal("1.1", scope.HttpVersion);
        Assert.Equal("ws", scope.Scheme);
        Assert.Equal("2.0", scope.Asgi.SpecVersion);
        Assert.True(scope.QueryString.IsEmpty);
        Assert.Empty(scope.Subprotocols);
        Assert.Equal("GET", scope.Items["method"]); // not a websocket key: kept as a custom key.
    }

    [Fact]
    public void Lifespan_scope_round_trip_keeps_the_state_namespace_itself()
    {
        var state = new Dictionary<string, object?>();
        var scope = new LifespanScope { State = state };
        var d = AsgiScopeConverter.ToDictionary(scope);
        DictionaryAssert.DeepEqual(new Dictionary<string, object?>
        {
            ["type"] = "lifespan",
            ["asgi"] = new Dictionary<string, object?> { ["version"] = "3.0", ["spec_version"] = "2.0" },
            ["state"] = state,
        }, d);

        // A dict-style app filling state during startup fills the typed scope's state.
        ((IDictionary<string, object?>)d["state"]!)["pool"] = "ready";
        Assert.Equal("ready", scope.State!["pool"]);

        var back = Assert.IsType<LifespanScope>(AsgiScopeConverter.FromDictionary(d));
        Assert.Same(state, back.State);
        DictionaryAssert.DeepEqual(d, AsgiScopeConverter.ToDictionary(back));
    }

    [Fact]
    public void Lifespan_scope_defaults_spec_version_to_1_0_and_state_to_absent()
    {
        var scope = Assert.IsType<LifespanScope>(AsgiScopeConverter.FromDictionary(new Dictionary<string, object?>
        {
            ["type"] = "lifespan",
            ["asgi"] = new Dictionary<string, object?> { ["version"] = "3.0" },
        }));
        Assert.Equal(new AsgiVersion("3.0", "1.0"), scope.Asgi);
        Assert.Null(scope.State);
        Assert.False(AsgiScopeConverter.ToDictionary(scope).ContainsKey("state"));
    }

    [Fact]
    public async Task Scope_built_from_a_request_converts_with_the_request_values()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "PUT";
        context.Request.Scheme = "http";
        context.Request.Path = "/items/1";
        context.Request.QueryString = new QueryString("?a=1&b=%C3%A9");
        context.Request.Headers["X-Trace"] = "t1";
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        context.Connection.RemotePort = 5555;
        var scope = await HttpContextHarness.CaptureScopeAsync(context);

        var d = AsgiScopeConverter.ToDictionary(scope);
        Assert.Equal("PUT", d["method"]);
        Assert.Equal("/items/1", d["path"]);
        Assert.Equal(B("a=1&b=%C3%A9"), d["query_string"]);
        DictionaryAssert.DeepEqual(new List<object?> { "127.0.0.1", 5555 }, d["client"]);
        Assert.Contains(((List<object?>)d["headers"]!).Cast<List<object?>>(), pair => B("x-trace").SequenceEqual((byte[])pair[0]!) && B("t1").SequenceEqual((byte[])pair[1]!));
        DictionaryAssert.DeepEqual(d, AsgiScopeConverter.ToDictionary(AsgiScopeConverter.FromDictionary(d)));
    }

    [Fact]
    public void Extensions_none_reads_as_no_extensions()
    {
        var d = AsgiScopeConverter.ToDictionary(new HttpScope());
        d["extensions"] = null;
        Assert.Null(AsgiScopeConverter.FromDictionary(d).Extensions);
    }

    [Fact]
    public void Typed_header_above_U00FF_is_rejected_when_converting_a_scope()
    {
        var scope = new HttpScope { Headers = [new("x", "\u0100")] };
        var ex = Assert.Throws<AsgiProtocolException>(() => AsgiScopeConverter.ToDictionary(scope));
        Assert.Equal("headers", ex.Field);
    }

    private static Dictionary<string, object?> ValidHttp() => AsgiScopeConverter.ToDictionary(new HttpScope());

    public static TheoryData<string, object?, string> BadHttpKeys => new()
    {
        { "type", "smtp", "unknown ASGI scope type 'smtp'" },
        { "type", 1, "must have a str 'type', got int" },
        { "asgi", "3.0", "expected dict, got str" },
        { "asgi", new Dictionary<string, object?> { ["version"] = 3 }, "'version' must be str, got int" },
        { "http_version", 1.1, "expected str, got float (Double)" },
        { "method", null, "expected str, got None" },
        { "scheme", "", "must not be empty" },
        { "path", B("/"), "expected str, got bytes" },
        { "raw_path", "/", "expected bytes, got str" },
        { "query_string", null, "expected bytes, got None" },
        { "query_string", "a=1", "expected bytes, got str" },
        { "root_path", null, "expected str, got None" },
        { "headers", new List<object?> { new List<object?> { "host", "x" } }, "name of header 0 must be bytes, got str" },
        { "client", new List<object?> { "1.2.3.4", true }, "got bool" },
        { "client", new List<object?> { "1.2.3.4", null }, "expected int, got None" },
        { "client", new List<object?> { "1.2.3.4" }, "expected a [host, port] pair" },
        { "server", new List<object?> { 80, 80 }, "the host must be str, got int" },
        { "state", new List<object?>(), "expected dict, got list" },
        { "state", null, "expected dict, got None" },
        { "extensions", new Dictionary<string, object?> { ["tls"] = true }, "extension 'tls' must be a dict, got bool" },
    };

    [Theory]
    [MemberData(nameof(BadHttpKeys))]
    public void Invalid_http_scope_key_is_named(string key, object? value, string fragment)
    {
        var d = ValidHttp();
        d[key] = value;
        var ex = Assert.Throws<AsgiProtocolException>(() => AsgiScopeConverter.FromDictionary(d));
        Assert.Equal(key, ex.Field);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'{key}'", ex.Message, StringComparison.Ordinal);
        if (key != "type")
        {
            Assert.Contains("'http' scope", ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("asgi")]
    [InlineData("http_version")]
    [InlineData("method")]
    [InlineData("path")]
    [InlineData("query_string")]
    [InlineData("headers")]
    public void Missing_required_http_scope_key_is_named(string key)
    {
        var d = ValidHttp();
        d.Remove(key);
        var ex = Assert.Throws<AsgiProtocolException>(() => AsgiScopeConverter.FromDictionary(d));
        Assert.Equal(key, ex.Field);
        Assert.Contains("is required but missing (in an ASGI 'http' scope)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scope_without_type_is_an_error()
    {
        var ex = Assert.Throws<AsgiProtocolException>(() => AsgiScopeConverter.FromDictionary(new Dictionary<string, object?> { ["path"] = "/" }));
        Assert.Equal("type", ex.Field);
        Assert.Contains("the key is missing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_websocket_subprotocols_are_named()
    {
        var d = AsgiScopeConverter.ToDictionary(new WebSocketScope());
        d["subprotocols"] = new List<object?> { "chat", B("raw") };
        var ex = Assert.Throws<AsgiProtocolException>(() => AsgiScopeConverter.FromDictionary(d));
        Assert.Equal("subprotocols", ex.Field);
        Assert.Contains("item 1 must be str, got bytes (in an ASGI 'websocket' scope)", ex.Message, StringComparison.Ordinal);
    }
}
