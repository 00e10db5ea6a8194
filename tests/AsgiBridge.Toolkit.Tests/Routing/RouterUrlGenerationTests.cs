using AsgiBridge.Toolkit;

namespace AsgiBridge.Toolkit.Tests.Routing;

public sealed class RouterUrlGenerationTests
{
    private static Dictionary<string, object?> Values(params (string Key, object? Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value);

    [Fact]
    public void Builds_paths_of_named_routes()
    {
        var router = new AsgiRouter()
            .MapGet("/", Asgi.Text("home"), name: "home")
            .MapGet("/users/{id:int}", Asgi.Text("user"), name: "user")
            .MapWebSocket("/ws/{room}", Asgi.Text("ws"), name: "chat");

        Assert.Equal("/", router.UrlPathFor("home"));
        Assert.Equal("/users/5", router.UrlPathFor("user", Values(("id", 5))));
        Assert.Equal("/ws/main", router.UrlPathFor("chat", Values(("room", "main"))));
    }

    [Fact]
    public void Escapes_parameter_values_and_keeps_catch_all_slashes()
    {
        var router = new AsgiRouter()
            .MapGet("/search/{term}", Asgi.Text("s"), name: "search")
            .MapGet("/files/{**path}", Asgi.Text("f"), name: "file");

        Assert.Equal("/search/a%20b%2Fc", router.UrlPathFor("search", Values(("term", "a b/c"))));
        Assert.Equal("/files/docs/read%20me.txt", router.UrlPathFor("file", Values(("path", "docs/read me.txt"))));
    }

    [Fact]
    public void Optional_and_default_parameters()
    {
        var router = new AsgiRouter()
            .MapGet("/items/{id?}", Asgi.Text("i"), name: "items")
            .MapGet("/list/{page:int=1}", Asgi.Text("l"), name: "list");

        Assert.Equal("/items", router.UrlPathFor("items"));
        Assert.Equal("/items/9", router.UrlPathFor("items", Values(("id", 9))));
        Assert.Equal("/list/1", router.UrlPathFor("list"));
        Assert.Equal("/list/3", router.UrlPathFor("list", Values(("page", 3))));
    }

    [Fact]
    public async Task Trailing_slash_of_the_template_is_kept_so_the_path_matches_without_a_redirect()
    {
        var router = new AsgiRouter()
            .MapGet("/docs/", Asgi.Text("docs"), name: "docs")
            .MapGet("/docs/{page}/", Asgi.Text("page"), name: "page");

        Assert.Equal("/docs/", router.UrlPathFor("docs"));
        Assert.Equal("/docs/intro/", router.UrlPathFor("page", Values(("page", "intro"))));
        Assert.Equal("page", (await Asgi.RunHttpAsync(router, Asgi.Http(router.UrlPathFor("page", Values(("page", "intro")))))).Text);
    }

    [Fact]
    public void Names_through_mounts_use_mount_colon_route()
    {
        var users = new AsgiRouter().MapGet("/users/{id:int}", Asgi.Text("u"), name: "detail");
        var api = new AsgiRouter().Mount("/users-api", users, name: "users");
        var root = new AsgiRouter()
            .Mount("/api", api, name: "api")
            .Mount("/tenants/{tenant}", new AsgiRouter().MapGet("/home", Asgi.Text("t"), name: "home"), name: "tenant")
            .Mount("/static", Asgi.Text("static"), name: "static");

        Assert.Equal("/api/users-api/users/7", root.UrlPathFor("api:users:detail", Values(("id", 7))));
        Assert.Equal("/tenants/acme/home", root.UrlPathFor("tenant:home", Values(("tenant", "acme"))));
        Assert.Equal("/static/", root.UrlPathFor("static"));
        Assert.Throws<KeyNotFoundException>(() => root.UrlPathFor("detail", Values(("id", 7))));
    }

    [Fact]
    public void Unnamed_mount_exposes_its_routes_names_directly()
    {
        var root = new AsgiRouter().Mount("/api", new AsgiRouter().MapGet("/ping", Asgi.Text("p"), name: "ping"));

        Assert.Equal("/api/ping", root.UrlPathFor("ping"));
    }

    [Fact]
    public void Unknown_name_or_missing_value_throws_KeyNotFoundException()
    {
        var router = new AsgiRouter()
            .MapGet("/users/{id:int}", Asgi.Text("user"), name: "user")
            .Mount("/tenants/{tenant}", new AsgiRouter().MapGet("/home", Asgi.Text("t"), name: "home"), name: "tenant");

        Assert.Throws<KeyNotFoundException>(() => router.UrlPathFor("nobody"));
        Assert.Throws<KeyNotFoundException>(() => router.UrlPathFor("user"));
        Assert.Throws<KeyNotFoundException>(() => router.UrlPathFor("user", Values(("other", 1))));
        Assert.Throws<KeyNotFoundException>(() => router.UrlPathFor("tenant:home"));
    }

    [Fact]
    public async Task Generated_path_routes_back_to_the_same_route_with_the_same_values()
    {
        IReadOnlyDictionary<string, object?>? seen = null;
        var router = new AsgiRouter().MapGet("/orders/{id:int}/lines/{line}", Asgi.Capture(s => seen = s.PathParams), name: "line");

        var path = router.UrlPathFor("line", Values(("id", 12), ("line", "x y")));
        var scope = Asgi.Http(Uri.UnescapeDataString(path));
        await Asgi.RunHttpAsync(router, scope);

        Assert.Equal(12, seen!["id"]);
        Assert.Equal("x y", seen["line"]);
    }
}
