using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using AsgiBridge.Messages;
using AsgiBridge.Toolkit;

namespace AsgiBridge.Toolkit.Tests.Requests;

public sealed record Order(string Item, int Quantity);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Order))]
internal sealed partial class ToolkitJsonContext : JsonSerializerContext;

public sealed class RequestTests
{
    private static async Task<(AsgiRequest Request, ApplicationSide Side)> CreateAsync(HttpScope scope, params AsgiMessage[] incoming)
    {
        var side = await ApplicationSide.StartAsync(scope, incoming);
        return (new AsgiRequest(scope, side.Receive), side);
    }

    [Fact]
    public async Task Method_path_and_url_parts()
    {
        var scope = Asgi.Http("/api/caf\u00e9/a b", "POST", "x=1&y=%20z", "/api", ("host", "example.com:8443"));
        scope.Scheme = "https";
        scope.RawPath = "/api/caf%C3%A9/a%20b"u8.ToArray();
        var (request, _) = await CreateAsync(scope);

        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/caf\u00e9/a b", request.Path);
        Assert.Equal("/api", request.RootPath);
        Assert.Equal("x=1&y=%20z", request.QueryString);
        var url = request.Url;
        Assert.Equal("https", url.Scheme);
        Assert.Equal("example.com", url.Host);
        Assert.Equal(8443, url.Port);
        Assert.Equal("/api/caf%C3%A9/a%20b", url.AbsolutePath);
        Assert.Equal("?x=1&y=%20z", url.Query);
    }

    [Fact]
    public async Task Url_without_host_header_uses_the_server_address()
    {
        var scope = Asgi.Http("/p");
        scope.Server = new AsgiAddress("10.1.2.3", 8080);
        var (request, _) = await CreateAsync(scope);

        Assert.Equal("http://10.1.2.3:8080/p", request.Url.ToString());
    }

    [Fact]
    public async Task Url_with_an_ipv6_server_address_and_no_host_header()
    {
        var scope = Asgi.Http("/p");
        scope.Server = new AsgiAddress("::1", 5000);
        var (request, _) = await CreateAsync(scope);

        Assert.Equal("http://[::1]:5000/p", request.Url.ToString());
    }

    [Fact]
    public async Task Query_parameters_are_decoded_and_multi_valued()
    {
        var (request, _) = await CreateAsync(Asgi.Http("/", query: "tag=a&tag=b%20c&q=caf%C3%A9&plus=1+2&empty="));

        Assert.Equal(new[] { "a", "b c" }, request.Query["tag"].Select(v => v ?? "<null>"));
        Assert.Equal("caf\u00e9", request.Query["q"].ToString());
        Assert.Equal("1 2", request.Query["plus"].ToString());
        Assert.Equal(string.Empty, request.Query["empty"].ToString());
        Assert.False(request.Query.ContainsKey("missing"));
    }

    [Fact]
    public async Task Headers_are_case_insensitive_and_multi_valued()
    {
        var (request, _) = await CreateAsync(Asgi.Http("/", headers: [("accept", "text/html"), ("x-trace", "1"), ("accept", "application/json"), ("content-type", "text/plain")]));

        Assert.Equal(new[] { "text/html", "application/json" }, request.Headers["Accept"].Select(v => v ?? "<null>"));
        Assert.Equal("text/html", request.Headers.Get("ACCEPT"));
        Assert.Equal("1", request.Headers["X-Trace"].ToString());
        Assert.True(request.Headers.Contains("X-TRACE"));
        Assert.False(request.Headers.Contains("x-missing"));
        Assert.Empty(request.Headers["x-missing"].ToArray());
        Assert.Equal("text/plain", request.ContentType);
        Assert.Equal(4, request.Headers.Count);
    }

    [Fact]
    public async Task Cookies_from_one_or_several_headers_quoted_and_percent_encoded()
    {
        var (request, _) = await CreateAsync(Asgi.Http("/", headers:
        [
            ("cookie", "session=abc123; theme=\"dark mode\"; name=J%C3%BCrgen"),
            ("cookie", "lang=fr; session=second-ignored"),
        ]));

        var cookies = request.Cookies;

        Assert.Equal("abc123", cookies["session"]);
        Assert.Equal("dark mode", cookies["theme"]);
        Assert.Equal("J\u00fcrgen", cookies["name"]);
        Assert.Equal("fr", cookies["lang"]);
        Assert.Equal(4, cookies.Count);
    }

    [Fact]
    public async Task Client_and_path_params()
    {
        var scope = Asgi.Http("/");
        scope.Client = new AsgiAddress("192.0.2.7", 51000);
        scope.PathParams = new Dictionary<string, object?> { ["id"] = 3 };
        var (request, _) = await CreateAsync(scope);

        Assert.Equal(new AsgiAddress("192.0.2.7", 51000), request.Client);
        Assert.Equal(3, request.PathParams["id"]);
    }

    [Fact]
    public async Task Path_params_set_by_a_router_reach_the_request()
    {
        object? id = null;
        var router = new AsgiRouter().MapGet("/orders/{id:int}", async request =>
        {
            id = request.PathParams["id"];
            return await Task.FromResult<AsgiBridge.Toolkit.AsgiResponse>(new AsgiBridge.Toolkit.TextResponse("ok"));
        });

        await Asgi.RunHttpAsync(router, Asgi.Http("/orders/77"));

        Assert.Equal(77, id);
    }

    [Fact]
    public async Task Body_bytes_join_the_chunks_and_are_kept()
    {
        var (request, side) = await CreateAsync(Asgi.Http("/", "POST"),
            new HttpRequestBody("hello "u8.ToArray(), moreBody: true),
            new HttpRequestBody("wor"u8.ToArray(), moreBody: true),
            new HttpRequestBody("ld"u8.ToArray()));

        var body = await request.ReadBodyAsync();
        var again = await request.ReadBodyAsync();

        Assert.Equal("hello world", Encoding.UTF8.GetString(body));
        Assert.Same(body, again);
        Assert.Equal("hello world", await request.ReadTextAsync());
        Assert.Equal(3, side.Communicator.ReceiveCount);
    }

    [Fact]
    public async Task Streamed_body_yields_each_chunk_as_it_arrives_without_buffering()
    {
        var (request, side) = await CreateAsync(Asgi.Http("/", "POST"));
        await using var chunks = request.StreamAsync().GetAsyncEnumerator();

        var first = chunks.MoveNextAsync();
        Assert.False(first.IsCompleted);
        await side.Communicator.SendInputAsync(new HttpRequestBody("one"u8.ToArray(), moreBody: true));
        Assert.True(await first.AsTask().WaitAsync(Asgi.Timeout));
        Assert.Equal("one", Encoding.UTF8.GetString(chunks.Current.Span));

        var second = chunks.MoveNextAsync();
        Assert.False(second.IsCompleted);
        await side.Communicator.SendInputAsync(new HttpRequestBody(default, moreBody: true));
        await side.Communicator.SendInputAsync(new HttpRequestBody("two"u8.ToArray()));
        Assert.True(await second.AsTask().WaitAsync(Asgi.Timeout));
        Assert.Equal("two", Encoding.UTF8.GetString(chunks.Current.Span));

        Assert.False(await chunks.MoveNextAsync());
        Assert.Equal(3, side.Communicator.ReceiveCount);
        Assert.False(request.IsDisconnected);
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in request.StreamAsync())
            {
            }
        });
    }

    [Fact]
    public async Task Streamed_body_ends_when_the_client_disconnects()
    {
        var (request, side) = await CreateAsync(Asgi.Http("/", "POST"), new HttpRequestBody("part"u8.ToArray(), moreBody: true));
        await side.Communicator.DisconnectAsync();

        var chunks = new List<string>();
        await foreach (var chunk in request.StreamAsync())
        {
            chunks.Add(Encoding.UTF8.GetString(chunk.Span));
        }

        Assert.Equal(["part"], chunks);
        Assert.True(request.IsDisconnected);
    }

    [Fact]
    public async Task Json_body_with_source_generated_metadata()
    {
        var (request, _) = await CreateAsync(Asgi.Http("/", "POST"), new HttpRequestBody("{\"item\":\"pen\",\"quantity\":3}"u8.ToArray()));

        var order = await request.ReadJsonAsync(ToolkitJsonContext.Default.Order);

        Assert.Equal(new Order("pen", 3), order);
    }

    [Fact]
    public async Task Json_body_with_reflection_and_web_defaults()
    {
        var (request, _) = await CreateAsync(Asgi.Http("/", "POST"),
            new HttpRequestBody("{\"Item\":\"ink\",".ToUtf8(), moreBody: true),
            new HttpRequestBody("\"quantity\":12}".ToUtf8()));

        var order = await request.ReadJsonAsync<Order>();

        Assert.Equal(new Order("ink", 12), order);
    }

    [Fact]
    public async Task Json_body_that_is_not_json_throws_JsonException()
    {
        var (request, _) = await CreateAsync(Asgi.Http("/", "POST"), new HttpRequestBody("not json"u8.ToArray()));

        await Assert.ThrowsAnyAsync<JsonException>(() => request.ReadJsonAsync(ToolkitJsonContext.Default.Order));
    }

    [Fact]
    public async Task Disconnect_check_and_wait()
    {
        var (request, side) = await CreateAsync(Asgi.Http("/", "POST"), new HttpRequestBody("x"u8.ToArray()));
        await request.ReadBodyAsync();

        Assert.False(request.IsDisconnected);
        var wait = request.WaitForDisconnectAsync();
        Assert.False(wait.IsCompleted);
        await side.Communicator.DisconnectAsync();

        await wait.WaitAsync(Asgi.Timeout);
        Assert.True(request.IsDisconnected);
        Assert.True(request.WaitForDisconnectAsync().IsCompleted);
    }

    [Fact]
    public async Task IsDisconnected_notices_a_gone_client_without_an_explicit_wait()
    {
        var (request, side) = await CreateAsync(Asgi.Http("/", "POST"), new HttpRequestBody("x"u8.ToArray()));
        await request.ReadBodyAsync();
        await side.Communicator.DisconnectAsync();

        Assert.True(request.IsDisconnected);
    }

    [Fact]
    public async Task Waiting_for_the_disconnect_discards_the_unread_body()
    {
        var (request, side) = await CreateAsync(Asgi.Http("/", "POST"),
            new HttpRequestBody("a"u8.ToArray(), moreBody: true),
            new HttpRequestBody("b"u8.ToArray()));

        var wait = request.WaitForDisconnectAsync();
        await side.Communicator.DisconnectAsync();
        await wait.WaitAsync(Asgi.Timeout);

        Assert.True(request.IsDisconnected);
        Assert.Equal(3, side.Communicator.ReceiveCount);
    }

    [Fact]
    public async Task Endpoint_below_a_router_sees_its_path_params_even_if_middleware_made_a_request_view_first()
    {
        string? upstreamBody = null;
        var router = new AsgiRouter().MapPost("/orders/{id:int}", async request =>
            new AsgiBridge.Toolkit.TextResponse($"{request.PathParams["id"]}:{await request.ReadTextAsync()}"));
        var app = new AsgiBridge.Composition.AsgiPipelineBuilder()
            .Use(next => async (scope, receive, send) =>
            {
                // A middleware that inspects the request (auth, logging) through the helper before routing.
                var request = AsgiRequest.FromScope((HttpScope)scope, receive);
                upstreamBody = await request.ReadTextAsync();
                await next(scope, receive, send);
            })
            .Run(router)
            .Build();

        var response = await Asgi.RunHttpAsync(app, Asgi.Http("/orders/9", "POST"), new HttpRequestBody("pen"u8.ToArray()));

        Assert.Equal("pen", upstreamBody);
        Assert.Equal("9:pen", response.Text);
    }

    [Fact]
    public async Task FromScope_on_a_scope_copy_gives_a_view_of_the_copy()
    {
        var scope = Asgi.Http("/");
        await using var connection = await ApplicationSide.StartAsync(scope);
        var upstream = AsgiRequest.FromScope(scope, connection.Receive);
        var copy = (HttpScope)scope.Copy();
        copy.PathParams = new Dictionary<string, object?> { ["x"] = 1 };

        var downstream = AsgiRequest.FromScope(copy, connection.Receive);
        AsgiReceive wrapped = () => connection.Receive();

        Assert.NotSame(upstream, downstream);
        Assert.Same(copy, downstream.Scope);
        Assert.Equal(1, downstream.PathParams["x"]);
        Assert.Same(downstream, AsgiRequest.FromScope(copy, connection.Receive));
        Assert.Same(upstream, AsgiRequest.FromScope(scope, connection.Receive));
        Assert.NotSame(downstream, AsgiRequest.FromScope((HttpScope)copy.Copy(), wrapped));
    }

    [Fact]
    public async Task FromScope_shares_one_request_per_connection()
    {
        var scope = Asgi.Http("/");
        await using var connection = await ApplicationSide.StartAsync(scope);

        Assert.Same(AsgiRequest.FromScope(scope, connection.Receive), AsgiRequest.FromScope(scope, connection.Receive));
    }
}

internal static class Utf8
{
    public static byte[] ToUtf8(this string text) => Encoding.UTF8.GetBytes(text);
}
