using System.Text;

namespace AsgiBridge.Testing.Tests.Http;

public sealed class ScopeTests
{
    private static async Task<HttpScope> CaptureAsync(Func<AsgiTestClient, Task> request, AsgiTestClientOptions? options = null)
    {
        var captured = new TaskCompletionSource<AsgiScope>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new AsgiTestClient(TestApps.Capture(captured), options);
        await request(client);
        return (HttpScope)await captured.Task.WaitAsync(TestApps.Timeout);
    }

    [Fact]
    public async Task Defaults_mirror_the_bridge_for_http_1_1()
    {
        var scope = await CaptureAsync(c => c.GetAsync("/items"));

        Assert.Equal("http", scope.Type);
        Assert.Equal(AsgiVersion.Www, scope.Asgi);
        Assert.Equal("1.1", scope.HttpVersion);
        Assert.Equal("GET", scope.Method);
        Assert.Equal("http", scope.Scheme);
        Assert.Equal("/items", scope.Path);
        Assert.Equal("/items", Encoding.Latin1.GetString(scope.RawPath!.Value.Span));
        Assert.True(scope.QueryString.IsEmpty);
        Assert.Equal(string.Empty, scope.RootPath);
        Assert.Equal(new AsgiAddress("testserver", 80), scope.Server);
        Assert.Equal(new AsgiAddress("testclient", 50000), scope.Client);
        Assert.Equal(new AsgiHeader("host", "testserver"), scope.Headers[0]);
        Assert.Equal([AsgiExtensionNames.PathSend], scope.Extensions!.Keys);
        Assert.Null(scope.State);
    }

    [Fact]
    public async Task Headers_are_lower_case_with_host_first_and_query_string_is_raw()
    {
        var scope = await CaptureAsync(c => c.GetAsync("/search?x=1", new()
        {
            Query = { ("q", "a b&c"), ("q", "é") },
            Headers = { ("X-Custom", "One"), ("Accept", "text/plain") },
        }));

        Assert.Equal("host", scope.Headers[0].Name);
        Assert.All(scope.Headers, h => Assert.Equal(h.Name.ToLowerInvariant(), h.Name));
        Assert.Equal("One", scope.Headers.GetFirst("x-custom"));
        Assert.Equal("text/plain", scope.Headers.GetFirst("accept"));
        Assert.Equal("x=1&q=a%20b%26c&q=%C3%A9", Encoding.Latin1.GetString(scope.QueryString.Span));
    }

    [Fact]
    public async Task Path_is_decoded_except_encoded_slash_and_raw_path_keeps_the_bytes()
    {
        var scope = await CaptureAsync(c => c.GetAsync("/caf%C3%A9/a%2Fb"));

        Assert.Equal("/café/a/b", scope.Path);
        Assert.Equal("/caf%C3%A9/a%2Fb", Encoding.Latin1.GetString(scope.RawPath!.Value.Span));
    }

    [Fact]
    public async Task Root_path_mounts_the_application_under_the_prefix()
    {
        var options = new AsgiTestClientOptions { RootPath = "/api" };
        var mounted = await CaptureAsync(c => c.GetAsync("/api/users"), options);
        await using var client = new AsgiTestClient(TestApps.Capture(new()), options);

        var outside = await client.GetAsync("/users");

        Assert.Equal("/api", mounted.RootPath);
        Assert.Equal("/api/users", mounted.Path);
        Assert.Equal("/api/users", Encoding.Latin1.GetString(mounted.RawPath!.Value.Span));
        Assert.Equal(404, outside.Status);
        Assert.Null(outside.Outcome);
    }

    [Fact]
    public async Task Trailers_are_not_advertised_over_http_1_1_even_with_te_trailers()
    {
        // Kestrel cannot send HTTP/1.1 trailers, so the bridge does not advertise them (the parity suite checks this).
        var scope = await CaptureAsync(c => c.GetAsync("/", new() { Headers = { ("TE", "trailers") } }));

        Assert.False(scope.SupportsExtension(AsgiExtensionNames.Trailers));
    }

    [Fact]
    public async Task Http2_simulation_reports_version_2_and_advertises_trailers_to_a_client_that_sent_te_trailers()
    {
        var scope = await CaptureAsync(c => c.GetAsync("/", new() { Headers = { ("te", "trailers") } }), new AsgiTestClientOptions { UseHttp2 = true });

        Assert.Equal("2", scope.HttpVersion);
        Assert.True(scope.SupportsExtension(AsgiExtensionNames.Trailers));
        Assert.True(scope.SupportsExtension(AsgiExtensionNames.PathSend));

        var plain = await CaptureAsync(c => c.GetAsync("/"), new AsgiTestClientOptions { UseHttp2 = true });
        Assert.False(plain.SupportsExtension(AsgiExtensionNames.Trailers));
    }

    [Fact]
    public async Task Base_address_sets_scheme_and_server()
    {
        var scope = await CaptureAsync(c => c.GetAsync("/"), new AsgiTestClientOptions { BaseAddress = new Uri("https://example.org:8443/"), Client = null });

        Assert.Equal("https", scope.Scheme);
        Assert.Equal(new AsgiAddress("example.org", 8443), scope.Server);
        Assert.Equal("example.org:8443", scope.Headers.GetFirst("host"));
        Assert.Null(scope.Client);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    [InlineData("OPTIONS")]
    [InlineData("HEAD")]
    public async Task Method_reaches_the_scope(string method)
    {
        var scope = await CaptureAsync(c => c.SendAsync(new HttpMethod(method), "/m"));

        Assert.Equal(method, scope.Method);
    }

    [Fact]
    public async Task Body_headers_describe_the_content_as_on_the_wire()
    {
        var sized = await CaptureAsync(c => c.PostAsync("/", AsgiContent.Text("hello")));
        var empty = await CaptureAsync(c => c.PostAsync("/"));
        var streamed = await CaptureAsync(c => c.PostAsync("/", AsgiContent.Streamed([TestApps.Utf8("a")])));

        Assert.Equal("5", sized.Headers.GetFirst("content-length"));
        Assert.Equal("text/plain; charset=utf-8", sized.Headers.GetFirst("content-type"));
        Assert.Equal("0", empty.Headers.GetFirst("content-length"));
        Assert.Null(streamed.Headers.GetFirst("content-length"));
        Assert.Equal("chunked", streamed.Headers.GetFirst("transfer-encoding"));
    }
}
