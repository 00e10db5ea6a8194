using AsgiBridge.Messages;
using AsgiBridge.Toolkit;

namespace AsgiBridge.Toolkit.Tests.Routing;

public sealed class RouterMatchingTests
{
    private static async Task<IReadOnlyDictionary<string, object?>?> ParamsFor(string template, string path)
    {
        IReadOnlyDictionary<string, object?>? seen = null;
        var router = new AsgiRouter().Map(template, Asgi.Capture(s => seen = s.PathParams));
        var response = await Asgi.RunHttpAsync(router, Asgi.Http(path));
        return response.Status == 200 ? seen : null;
    }

    [Fact]
    public async Task Untyped_parameter_is_a_string()
    {
        var values = await ParamsFor("/users/{name}", "/users/alice");

        Assert.Equal("alice", Assert.IsType<string>(values!["name"]));
    }

    [Fact]
    public async Task Typed_parameters_are_converted_to_their_types()
    {
        var guid = Guid.NewGuid();
        var values = await ParamsFor("/t/{i:int}/{l:long}/{b:bool}/{d:double}/{g:guid}/{m:decimal}/{f:float}", $"/t/42/9000000000/true/2.5/{guid}/1.25/0.5");

        Assert.NotNull(values);
        Assert.Equal(42, Assert.IsType<int>(values!["i"]));
        Assert.Equal(9000000000L, Assert.IsType<long>(values["l"]));
        Assert.True(Assert.IsType<bool>(values["b"]));
        Assert.Equal(2.5, Assert.IsType<double>(values["d"]));
        Assert.Equal(guid, Assert.IsType<Guid>(values["g"]));
        Assert.Equal(1.25m, Assert.IsType<decimal>(values["m"]));
        Assert.Equal(0.5f, Assert.IsType<float>(values["f"]));
    }

    [Fact]
    public async Task Datetime_parameter_is_a_DateTime()
    {
        var values = await ParamsFor("/on/{day:datetime}", "/on/2024-02-29");

        Assert.Equal(new DateTime(2024, 2, 29), Assert.IsType<DateTime>(values!["day"]));
    }

    [Theory]
    [InlineData("/users/{id:int}", "/users/abc")]
    [InlineData("/users/{id:int}", "/users/1.5")]
    [InlineData("/users/{id:guid}", "/users/not-a-guid")]
    [InlineData("/flags/{on:bool}", "/flags/maybe")]
    [InlineData("/n/{x:double}", "/n/pi")]
    [InlineData("/users/{id:int:min(1)}", "/users/0")]
    [InlineData("/codes/{code:length(3)}", "/codes/abcd")]
    [InlineData("/codes/{code:alpha}", "/codes/a1")]
    [InlineData("/range/{n:range(1,10)}", "/range/11")]
    [InlineData("/re/{v:regex(^[a-z]+$)}", "/re/a1")]
    public async Task Constraint_that_does_not_hold_gives_404(string template, string path)
    {
        var router = new AsgiRouter().Map(template, Asgi.Text("matched"));

        var response = await Asgi.RunHttpAsync(router, Asgi.Http(path));

        Assert.Equal(404, response.Status);
        Assert.Equal("Not Found", response.Text);
    }

    [Theory]
    [InlineData("/users/{id:int:min(1)}", "/users/7")]
    [InlineData("/codes/{code:length(3)}", "/codes/abc")]
    [InlineData("/range/{n:range(1,10)}", "/range/10")]
    [InlineData("/re/{v:regex(^[a-z]+$)}", "/re/abc")]
    public async Task Constraint_that_holds_matches(string template, string path)
    {
        var router = new AsgiRouter().Map(template, Asgi.Text("matched"));

        Assert.Equal("matched", (await Asgi.RunHttpAsync(router, Asgi.Http(path))).Text);
    }

    [Fact]
    public async Task Constraint_failure_falls_through_to_the_next_route()
    {
        var router = new AsgiRouter()
            .Map("/items/{id:int}", Asgi.Text("by-id"))
            .Map("/items/{slug}", Asgi.Text("by-slug"));

        Assert.Equal("by-id", (await Asgi.RunHttpAsync(router, Asgi.Http("/items/12"))).Text);
        Assert.Equal("by-slug", (await Asgi.RunHttpAsync(router, Asgi.Http("/items/twelve"))).Text);
    }

    [Fact]
    public async Task Optional_parameter_may_be_absent()
    {
        var absent = await ParamsFor("/items/{id?}", "/items");
        var present = await ParamsFor("/items/{id?}", "/items/5");

        Assert.NotNull(absent);
        Assert.False(absent!.ContainsKey("id"));
        Assert.Equal("5", present!["id"]);
    }

    [Fact]
    public async Task Optional_typed_parameter_may_be_absent_and_is_typed_when_present()
    {
        var absent = await ParamsFor("/pages/{n:int?}", "/pages");
        var present = await ParamsFor("/pages/{n:int?}", "/pages/3");
        var invalid = await ParamsFor("/pages/{n:int?}", "/pages/three");

        Assert.NotNull(absent);
        Assert.False(absent!.ContainsKey("n"));
        Assert.Equal(3, present!["n"]);
        Assert.Null(invalid);
    }

    [Fact]
    public async Task Default_value_is_used_when_the_segment_is_absent_and_typed()
    {
        var absent = await ParamsFor("/list/{page:int=1}", "/list");
        var present = await ParamsFor("/list/{page:int=1}", "/list/4");
        var untyped = await ParamsFor("/lang/{code=en}", "/lang");

        Assert.Equal(1, absent!["page"]);
        Assert.Equal(4, present!["page"]);
        Assert.Equal("en", untyped!["code"]);
    }

    [Fact]
    public async Task Catch_all_parameter_takes_the_rest_of_the_path()
    {
        var deep = await ParamsFor("/files/{**path}", "/files/a/b/c.txt");
        var single = await ParamsFor("/files/{*path}", "/files/readme");
        var empty = await ParamsFor("/files/{**path}", "/files");

        Assert.Equal("a/b/c.txt", deep!["path"]);
        Assert.Equal("readme", single!["path"]);
        Assert.NotNull(empty);
        Assert.True(!empty!.TryGetValue("path", out var rest) || rest is null || (string)rest == string.Empty);
    }

    [Fact]
    public async Task Literal_segments_must_match_exactly()
    {
        var router = new AsgiRouter().Map("/about", Asgi.Text("about"));

        Assert.Equal("about", (await Asgi.RunHttpAsync(router, Asgi.Http("/about"))).Text);
        Assert.Equal(404, (await Asgi.RunHttpAsync(router, Asgi.Http("/about/more"))).Status);
        Assert.Equal(404, (await Asgi.RunHttpAsync(router, Asgi.Http("/abou"))).Status);
    }

    [Fact]
    public async Task First_matching_route_wins()
    {
        var router = new AsgiRouter()
            .Map("/a/{x}", Asgi.Text("first"))
            .Map("/a/b", Asgi.Text("second"));

        Assert.Equal("first", (await Asgi.RunHttpAsync(router, Asgi.Http("/a/b"))).Text);
    }

    [Fact]
    public async Task Method_filter_gives_405_with_Allow_and_GET_implies_HEAD()
    {
        var router = new AsgiRouter()
            .MapGet("/things", Asgi.Text("list"))
            .MapPost("/things", Asgi.Text("create"));

        Assert.Equal("list", (await Asgi.RunHttpAsync(router, Asgi.Http("/things"))).Text);
        Assert.Equal("create", (await Asgi.RunHttpAsync(router, Asgi.Http("/things", "POST"))).Text);
        Assert.Equal(200, (await Asgi.RunHttpAsync(router, Asgi.Http("/things", "HEAD"))).Status);

        var response = await Asgi.RunHttpAsync(router, Asgi.Http("/things", "DELETE"));

        Assert.Equal(405, response.Status);
        Assert.Equal("Method Not Allowed", response.Text);
        var allow = response.Header("allow")!.Split(", ");
        Assert.Equal(["GET", "HEAD", "POST"], allow.Order(StringComparer.Ordinal));
        Assert.Equal(response.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Header("content-length"));
    }

    [Fact]
    public async Task Methods_are_compared_upper_case_and_a_route_without_methods_accepts_all()
    {
        var router = new AsgiRouter()
            .Map("/lower", Asgi.Text("lower"), ["put"])
            .Map("/any", Asgi.Text("any"));

        Assert.Equal("lower", (await Asgi.RunHttpAsync(router, Asgi.Http("/lower", "PUT"))).Text);
        Assert.Equal("any", (await Asgi.RunHttpAsync(router, Asgi.Http("/any", "PATCH"))).Text);
        Assert.Equal(405, (await Asgi.RunHttpAsync(router, Asgi.Http("/lower", "GET"))).Status);
    }

    [Fact]
    public async Task Default_404_is_plain_text()
    {
        var response = await Asgi.RunHttpAsync(new AsgiRouter().MapGet("/a", Asgi.Text("a")), Asgi.Http("/b"));

        Assert.Equal(404, response.Status);
        Assert.Equal("Not Found", response.Text);
        Assert.StartsWith("text/plain", response.Header("content-type"), StringComparison.Ordinal);
        Assert.Equal("9", response.Header("content-length"));
    }

    [Fact]
    public async Task NotFound_and_MethodNotAllowed_can_be_replaced()
    {
        object? allowedSeen = null;
        var router = new AsgiRouter
        {
            NotFound = Asgi.Text("custom 404"),
            MethodNotAllowed = async (scope, receive, send) =>
            {
                allowedSeen = scope.Items["allowed_methods"];
                await send(new HttpResponseStart(405));
                await send(new HttpResponseBody("custom 405"u8.ToArray()));
            },
        }.MapPost("/only-post", Asgi.Text("posted"));

        var notFound = await Asgi.RunHttpAsync(router, Asgi.Http("/nothing"));
        var notAllowed = await Asgi.RunHttpAsync(router, Asgi.Http("/only-post"));

        Assert.Equal("custom 404", notFound.Text);
        Assert.Equal("custom 405", notAllowed.Text);
        Assert.Equal(["POST"], Assert.IsAssignableFrom<IEnumerable<string>>(allowedSeen));
    }

    [Fact]
    public async Task Missing_trailing_slash_redirects_with_307_keeping_the_query()
    {
        var router = new AsgiRouter().MapGet("/docs/", Asgi.Text("docs"));

        var response = await Asgi.RunHttpAsync(router, Asgi.Http("/docs", query: "page=2&q=a%20b"));

        Assert.Equal(307, response.Status);
        Assert.Equal("/docs/?page=2&q=a%20b", response.Header("location"));
        Assert.Equal("docs", (await Asgi.RunHttpAsync(router, Asgi.Http("/docs/"))).Text);
    }

    [Fact]
    public async Task Extra_trailing_slash_redirects_to_the_route_without_it()
    {
        var router = new AsgiRouter().MapGet("/users/{id:int}", Asgi.Text("user"));

        var response = await Asgi.RunHttpAsync(router, Asgi.Http("/users/5/"));

        Assert.Equal(307, response.Status);
        Assert.Equal("/users/5", response.Header("location"));
    }

    [Fact]
    public async Task Slash_redirect_keeps_the_root_path()
    {
        var router = new AsgiRouter().MapGet("/docs/", Asgi.Text("docs"));

        var response = await Asgi.RunHttpAsync(router, Asgi.Http("/api/docs", rootPath: "/api"));

        Assert.Equal(307, response.Status);
        Assert.Equal("/api/docs/", response.Header("location"));
    }

    [Fact]
    public async Task RedirectSlashes_false_gives_404()
    {
        var router = new AsgiRouter { RedirectSlashes = false }.MapGet("/docs/", Asgi.Text("docs"));

        Assert.Equal(404, (await Asgi.RunHttpAsync(router, Asgi.Http("/docs"))).Status);
        Assert.Equal(404, (await Asgi.RunHttpAsync(new AsgiRouter { RedirectSlashes = false }.MapGet("/a", Asgi.Text("a")), Asgi.Http("/a/"))).Status);
    }

    [Fact]
    public async Task Http_request_to_a_websocket_only_path_gets_404()
    {
        var router = new AsgiRouter().MapWebSocket("/ws", Asgi.Capture(_ => { }));

        Assert.Equal(404, (await Asgi.RunHttpAsync(router, Asgi.Http("/ws"))).Status);
    }

    [Fact]
    public async Task Websocket_route_matches_only_websocket_scopes_with_path_params()
    {
        ConnectionScope? seen = null;
        var router = new AsgiRouter()
            .MapGet("/chat/{room}", Asgi.Text("http"))
            .MapWebSocket("/chat/{room}", Asgi.Capture(s => seen = s));

        var sent = await Asgi.RunWebSocketAsync(router, Asgi.WebSocket("/chat/lobby"));

        Assert.IsType<WebSocketScope>(seen);
        Assert.Equal("lobby", seen!.PathParams["room"]);
        Assert.IsType<WebSocketAccept>(sent[0]);
        Assert.Equal("http", (await Asgi.RunHttpAsync(router, Asgi.Http("/chat/lobby"))).Text);
    }

    [Fact]
    public async Task Websocket_to_an_unmatched_path_is_closed_before_accept()
    {
        var router = new AsgiRouter().MapGet("/page", Asgi.Text("page")).MapWebSocket("/ws", Asgi.Capture(_ => { }));

        var sent = await Asgi.RunWebSocketAsync(router, Asgi.WebSocket("/nope"));
        var toHttpRoute = await Asgi.RunWebSocketAsync(router, Asgi.WebSocket("/page"));

        Assert.IsType<WebSocketClose>(Assert.Single(sent));
        Assert.IsType<WebSocketClose>(Assert.Single(toHttpRoute));
    }

    [Fact]
    public async Task Router_does_not_change_the_callers_scope()
    {
        var scope = Asgi.Http("/users/3");
        var router = new AsgiRouter().MapGet("/users/{id:int}", Asgi.Capture(_ => { }));

        await Asgi.RunHttpAsync(router, scope);

        Assert.Empty(scope.PathParams);
        Assert.False(scope.ContainsKey("path_params"));
    }

    [Fact]
    public void Template_must_start_with_a_slash_and_constraints_must_be_known()
    {
        Assert.Throws<ArgumentException>(() => new AsgiRouter().MapGet("users", Asgi.Text("x")));
        Assert.Throws<ArgumentException>(() => new AsgiRouter().MapGet("/users/{id:nosuch}", Asgi.Text("x")));
    }
}
