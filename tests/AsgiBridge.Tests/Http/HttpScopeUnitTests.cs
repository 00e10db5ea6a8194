using System.Net;
using System.Text;
using AsgiBridge.TestInfrastructure.WebSockets;
using AsgiBridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AsgiBridge.Tests.Http;

/// <summary>Unit tier: the http scope the bridge builds from a <see cref="DefaultHttpContext"/>.</summary>
public sealed class HttpScopeUnitTests
{
    [Theory]
    [InlineData("HTTP/1.0", "1.0")]
    [InlineData("HTTP/1.1", "1.1")]
    [InlineData("HTTP/2", "2")]
    [InlineData("HTTP/3", "3")]
    public async Task Http_version_follows_the_request_protocol(string protocol, string expected)
    {
        var scope = await HttpContextHarness.CaptureScopeAsync(HttpContextHarness.Context(protocol: protocol));
        Assert.Equal(expected, scope.HttpVersion);
        Assert.Equal(expected, scope["http_version"]);
    }

    [Fact]
    public async Task Type_asgi_version_method_and_scheme()
    {
        var context = HttpContextHarness.Context(method: "patch");
        context.Request.Scheme = "https";
        var scope = await HttpContextHarness.CaptureScopeAsync(context);
        Assert.Equal("http", scope["type"]);
        Assert.Equal("3.0", scope.Asgi.Version);
        Assert.Equal("PATCH", scope.Method);
        Assert.Equal("https", scope.Scheme);
    }

    [Fact]
    public async Task Path_is_decoded_and_includes_path_base_as_root_path()
    {
        var context = HttpContextHarness.Context(path: "/café/a b");
        context.Request.PathBase = "/mount";
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = "/mount/caf%C3%A9/a%20b?x=1";
        var scope = await HttpContextHarness.CaptureScopeAsync(context);
        Assert.Equal("/mount/café/a b", scope.Path);
        Assert.Equal("/mount", scope.RootPath);
        Assert.StartsWith(scope.RootPath, scope.Path, StringComparison.Ordinal);
        Assert.Equal("/mount/caf%C3%A9/a%20b"u8.ToArray(), scope.RawPath!.Value.ToArray());
    }

    [Theory]
    [InlineData("/a%2Fb", "/a%2Fb", "", "/a/b")]
    [InlineData("/%2F", "/%252F", "", "/%2F")]
    [InlineData("/x/%2F", "/base/x/%2f", "/base", "/base/x//")]
    [InlineData("/caf\u00e9%2F", "/caf%C3%A9%2F?q=%2F", "", "/caf\u00e9/")]
    public async Task Path_is_fully_decoded_even_where_kestrel_keeps_an_encoded_slash(string kestrelPath, string rawTarget, string pathBase, string expected)
    {
        var context = HttpContextHarness.Context(path: System.Text.RegularExpressions.Regex.Unescape(kestrelPath));
        context.Request.PathBase = pathBase;
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = rawTarget;
        var scope = await HttpContextHarness.CaptureScopeAsync(context);
        Assert.Equal(System.Text.RegularExpressions.Regex.Unescape(expected), scope.Path);
        Assert.Equal(pathBase, scope.RootPath);
    }

    [Fact]
    public async Task Empty_path_becomes_slash()
    {
        var context = HttpContextHarness.Context(path: "");
        var scope = await HttpContextHarness.CaptureScopeAsync(context);
        Assert.Equal("/", scope.Path);
        Assert.Equal(string.Empty, scope.RootPath);
    }

    [Theory]
    [InlineData("http://example.test/a%2Fb?q=1", "/a%2Fb")]
    [InlineData("http://example.test:8080?q=1", "/")]
    [InlineData("http://example.test", "/")]
    [InlineData("/plain/path?x", "/plain/path")]
    [InlineData("/no-query", "/no-query")]
    public async Task Raw_path_is_the_target_without_query_also_for_absolute_form(string target, string expected)
    {
        var context = HttpContextHarness.Context(path: "/whatever");
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = target;
        var scope = await HttpContextHarness.CaptureScopeAsync(context);
        Assert.Equal(Encoding.ASCII.GetBytes(expected), scope.RawPath!.Value.ToArray());
    }

    [Fact]
    public async Task Query_string_is_the_raw_bytes_after_the_question_mark()
    {
        var context = HttpContextHarness.Context();
        context.Request.QueryString = new QueryString("?a=1&b=%20x&c=%C3%A9");
        var scope = await HttpContextHarness.CaptureScopeAsync(context);
        Assert.Equal("a=1&b=%20x&c=%C3%A9"u8.ToArray(), scope.QueryString.ToArray());
        Assert.Equal("a=1&b=%20x&c=%C3%A9"u8.ToArray(), (byte[])scope["query_string"]!);
    }

    [Fact]
    public async Task No_query_string_gives_empty_bytes()
    {
        var scope = await HttpContextHarness.CaptureScopeAsync(HttpContextHarness.Context());
        Assert.True(scope.QueryString.IsEmpty);
    }

    [Fact]
    public async Task Headers_are_lower_case_with_duplicates_kept_and_host_first()
    {
        var context = HttpContextHarness.Context();
        context.Request.Headers.Clear();
        context.Request.Headers["X-First"] = "1";
        context.Request.Headers["Accept"] = new[] { "text/html", "application/json" };
        context.Request.Headers["Host"] = "example.test";
        context.Request.Headers["X-Latin"] = "caf\u00e9";
        var scope = await HttpContextHarness.CaptureScopeAsync(context);
        Assert.Equal(
            [
                new AsgiHeader("host", "example.test"),
                new AsgiHeader("x-first", "1"),
                new AsgiHeader("accept", "text/html"),
                new AsgiHeader("accept", "application/json"),
                new AsgiHeader("x-latin", "caf\u00e9"),
            ],
            scope.Headers);
        Assert.Equal(new byte[] { (byte)'c', (byte)'a', (byte)'f', 0xE9 }, scope.Headers[^1].ValueBytes);
    }

    [Fact]
    public async Task Client_and_server_are_host_and_int_port_with_ipv4_mapped_addresses_unmapped()
    {
        var context = HttpContextHarness.Context();
        context.Connection.RemoteIpAddress = IPAddress.Parse("::ffff:10.1.2.3");
        context.Connection.RemotePort = 50123;
        context.Connection.LocalIpAddress = IPAddress.IPv6Loopback;
        context.Connection.LocalPort = 8080;
        var scope = await HttpContextHarness.CaptureScopeAsync(context);
        Assert.Equal(new AsgiAddress("10.1.2.3", 50123), scope.Client);
        Assert.Equal(new AsgiAddress("::1", 8080), scope.Server);
    }

    [Fact]
    public async Task Client_is_null_when_the_address_is_unknown()
    {
        var scope = await HttpContextHarness.CaptureScopeAsync(HttpContextHarness.Context());
        Assert.Null(scope.Client);
        Assert.DoesNotContain("client", scope.SpecKeys());
    }

    [Fact]
    public async Task Http11_without_trailers_feature_advertises_pathsend_only()
    {
        var context = HttpContextHarness.Context();
        context.Request.Headers.TE = "trailers";
        var scope = await HttpContextHarness.CaptureScopeAsync(context);
        Assert.True(scope.SupportsExtension(AsgiExtensionNames.PathSend));
        Assert.False(scope.SupportsExtension(AsgiExtensionNames.Trailers));
        Assert.False(scope.SupportsExtension(AsgiExtensionNames.EarlyHint));
        Assert.False(scope.SupportsExtension(AsgiExtensionNames.Push));
    }

    [Fact]
    public async Task Http2_with_trailers_feature_advertises_trailers()
    {
        var context = HttpContextHarness.Context(protocol: "HTTP/2");
        context.Request.Headers.TE = "trailers";
        HttpContextHarness.AddTrailersFeature(context);
        var scope = await HttpContextHarness.CaptureScopeAsync(context);
        Assert.True(scope.SupportsExtension(AsgiExtensionNames.Trailers));
        Assert.True(scope.SupportsExtension(AsgiExtensionNames.PathSend));
    }

    [Theory]
    [InlineData("HTTP/2")]
    [InlineData("HTTP/1.1")]
    public async Task Trailers_are_not_advertised_to_a_client_that_did_not_send_te_trailers(string protocol)
    {
        var context = HttpContextHarness.Context(protocol: protocol);
        HttpContextHarness.AddTrailersFeature(context);
        var scope = await HttpContextHarness.CaptureScopeAsync(context);
        Assert.False(scope.SupportsExtension(AsgiExtensionNames.Trailers));
    }

    [Fact]
    public async Task Copy_isolates_custom_keys_and_replaced_spec_keys()
    {
        var context = HttpContextHarness.Context(path: "/orig");
        HttpScope? original = null;
        HttpScope? copy = null;
        var handler = HttpContextHarness.Handler(async (scope, _, send) =>
        {
            original = (HttpScope)scope;
            scope["user"] = "alice";
            copy = (HttpScope)scope.Copy();
            copy["user"] = "bob";
            copy["background"] = new Func<Task>(() => Task.CompletedTask);
            copy.Path = "/changed";
            copy["root_path"] = "/r";
            GC.KeepAlive((original.Path, original.RootPath, copy.RawPath));
            await AsgiTestApps.SendTextAsync(send, 200, "ok");
        });
        await handler.HandleAsync(context);

        Assert.Equal("alice", original!["user"]);
        Assert.False(original.ContainsKey("background"));
        Assert.Equal("/orig", original.Path);
        Assert.Equal(string.Empty, original.RootPath);
        Assert.Equal("bob", copy!["user"]);
        Assert.IsType<Func<Task>>(copy["background"]);
        Assert.Equal("/changed", copy.Path);
        Assert.Equal("/r", copy.RootPath);
        Assert.Equal("/orig", copy.RawPath is { } raw ? Encoding.ASCII.GetString(raw.Span) : null);
    }

    [Fact]
    public async Task Custom_keys_via_indexer_and_wrong_typed_spec_keys_are_rejected()
    {
        var scope = await HttpContextHarness.CaptureScopeAsync(HttpContextHarness.Context());
        scope["user"] = 42;
        Assert.Equal(42, scope["user"]);
        Assert.True(scope.ContainsKey("user"));
        Assert.Null(scope["missing"]);
        var error = Assert.Throws<AsgiProtocolException>(() => scope["path"] = 5);
        Assert.Equal("path", error.Field);
        Assert.Throws<AsgiProtocolException>(() => scope["type"] = "websocket");
    }

    [Fact]
    public async Task Root_path_comes_from_the_mount_delegate_when_given()
    {
        var context = HttpContextHarness.Context(path: "/api/items");
        var scope = await HttpContextHarness.CaptureScopeAsync(context, _ => "/api");
        Assert.Equal("/api", scope.RootPath);
        Assert.Equal("/api/items", scope.Path);
    }

    [Fact]
    public async Task Header_lookups_read_the_request_and_a_kept_unread_list_never_shows_another_request()
    {
        var context = HttpContextHarness.Context();
        context.Request.Headers["X-Token"] = "abc";
        context.Request.Headers["Accept"] = new[] { "text/html", "application/json" };
        IReadOnlyList<AsgiHeader>? kept = null;
        IReadOnlyList<AsgiHeader>? enumerated = null;
        await HttpContextHarness.Handler(async (scope, _, send) =>
        {
            var http = (HttpScope)scope;
            Assert.Equal("abc", http.Headers.GetFirst("x-token"));
            Assert.Equal(["text/html", "application/json"], http.Headers.GetAll("ACCEPT"));
            Assert.Null(http.Headers.GetFirst("x-missing"));
            kept = http.Headers;
            var copy = (HttpScope)scope.Copy();
            enumerated = copy.Headers;
            Assert.Contains(new AsgiHeader("x-token", "abc"), enumerated);
            await AsgiTestApps.SendTextAsync(send, 200, "ok");
        }).HandleAsync(context);

        Assert.Equal("abc", enumerated!.GetFirst("x-token"));
        Assert.Equal("abc", kept!.GetFirst("x-token")); // the same list object, built during the request

        IReadOnlyList<AsgiHeader>? unread = null;
        await HttpContextHarness.Handler(async (scope, _, send) =>
        {
            unread = ((HttpScope)scope).Headers;
            await AsgiTestApps.SendTextAsync(send, 200, "ok");
        }).HandleAsync(HttpContextHarness.Context());

        Assert.Throws<ObjectDisposedException>(() => unread!.GetFirst("x-token"));
        Assert.Throws<ObjectDisposedException>(() => unread!.Count);
    }
}
