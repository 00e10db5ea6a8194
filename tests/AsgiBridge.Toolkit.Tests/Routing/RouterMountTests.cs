using AsgiBridge.Messages;
using AsgiBridge.Toolkit;

namespace AsgiBridge.Toolkit.Tests.Routing;

public sealed class RouterMountTests
{
    [Fact]
    public async Task Mounted_app_sees_root_path_extended_by_the_prefix_and_the_full_path()
    {
        ConnectionScope? seen = null;
        var router = new AsgiRouter().Mount("/static", Asgi.Capture(s => seen = s));

        var response = await Asgi.RunHttpAsync(router, Asgi.Http("/static/css/site.css"));

        Assert.Equal(200, response.Status);
        Assert.Equal("/static", seen!.RootPath);
        Assert.Equal("/static/css/site.css", seen.Path);
        Assert.Equal("/static/css/site.css"u8.ToArray(), seen.RawPath!.Value.ToArray());
    }

    [Fact]
    public async Task Mount_root_path_is_appended_to_the_parent_root_path()
    {
        ConnectionScope? seen = null;
        var router = new AsgiRouter().Mount("/static", Asgi.Capture(s => seen = s));

        await Asgi.RunHttpAsync(router, Asgi.Http("/app/static/a.js", rootPath: "/app"));

        Assert.Equal("/app/static", seen!.RootPath);
        Assert.Equal("/app/static/a.js", seen.Path);
    }

    [Theory]
    [InlineData("/static")]
    [InlineData("/static/")]
    public async Task Mount_matches_the_prefix_itself(string path)
    {
        ConnectionScope? seen = null;
        var router = new AsgiRouter().Mount("/static", Asgi.Capture(s => seen = s));

        await Asgi.RunHttpAsync(router, Asgi.Http(path));

        Assert.Equal("/static", seen!.RootPath);
        Assert.Equal(path, seen.Path);
    }

    [Fact]
    public async Task Mount_at_the_root_passes_everything_with_root_path_unchanged()
    {
        ConnectionScope? seen = null;
        var router = new AsgiRouter().MapGet("/health", Asgi.Text("up")).Mount("/", Asgi.Capture(s => seen = s));

        Assert.Equal("up", (await Asgi.RunHttpAsync(router, Asgi.Http("/health"))).Text);
        await Asgi.RunHttpAsync(router, Asgi.Http("/app/x", rootPath: "/app"));

        Assert.Equal("/app", seen!.RootPath);
        Assert.Equal("/app/x", seen.Path);
    }

    [Fact]
    public async Task Mount_does_not_match_a_longer_segment()
    {
        var router = new AsgiRouter().Mount("/static", Asgi.Text("mounted"));

        Assert.Equal(404, (await Asgi.RunHttpAsync(router, Asgi.Http("/staticfiles/x"))).Status);
    }

    [Fact]
    public async Task Router_mounted_in_a_router_routes_on_the_path_below_the_prefix()
    {
        ConnectionScope? seen = null;
        var users = new AsgiRouter().MapGet("/users/{id:int}", Asgi.Capture(s => seen = s));
        var root = new AsgiRouter().Mount("/api", users);

        var response = await Asgi.RunHttpAsync(root, Asgi.Http("/api/users/42"));

        Assert.Equal(200, response.Status);
        Assert.Equal("/api", seen!.RootPath);
        Assert.Equal("/api/users/42", seen.Path);
        Assert.Equal(42, seen.PathParams["id"]);
        Assert.Equal(404, (await Asgi.RunHttpAsync(root, Asgi.Http("/users/42"))).Status);
    }

    [Fact]
    public async Task Nested_mounts_two_levels_deep()
    {
        ConnectionScope? seen = null;
        var leaf = new AsgiRouter().MapGet("/items/{id}", Asgi.Capture(s => seen = s));
        var v1 = new AsgiRouter().Mount("/v1", leaf);
        var root = new AsgiRouter().Mount("/api", v1);

        var response = await Asgi.RunHttpAsync(root, Asgi.Http("/base/api/v1/items/abc", rootPath: "/base"));

        Assert.Equal(200, response.Status);
        Assert.Equal("/base/api/v1", seen!.RootPath);
        Assert.Equal("/base/api/v1/items/abc", seen.Path);
        Assert.Equal("abc", seen.PathParams["id"]);
    }

    [Fact]
    public async Task Mount_parameters_are_visible_below_it()
    {
        ConnectionScope? seen = null;
        var tenantApp = new AsgiRouter().MapGet("/users/{id:int}", Asgi.Capture(s => seen = s));
        var root = new AsgiRouter().Mount("/tenants/{tenant}", tenantApp);

        await Asgi.RunHttpAsync(root, Asgi.Http("/tenants/acme/users/7"));

        Assert.Equal("/tenants/acme", seen!.RootPath);
        Assert.Equal("acme", seen.PathParams["tenant"]);
        Assert.Equal(7, seen.PathParams["id"]);
        Assert.False(seen.PathParams.ContainsKey("__mount_rest"));
    }

    [Fact]
    public async Task Mount_of_a_plain_asgi_app_with_websocket_scope()
    {
        ConnectionScope? seen = null;
        var router = new AsgiRouter().Mount("/live", Asgi.Capture(s => seen = s));

        var sent = await Asgi.RunWebSocketAsync(router, Asgi.WebSocket("/live/feed"));

        Assert.IsType<WebSocketAccept>(sent[0]);
        Assert.Equal("/live", seen!.RootPath);
        Assert.Equal("/live/feed", seen.Path);
    }

    [Fact]
    public async Task Mounted_router_handles_websocket_routes()
    {
        ConnectionScope? seen = null;
        var inner = new AsgiRouter().MapWebSocket("/ws/{room}", Asgi.Capture(s => seen = s));
        var root = new AsgiRouter().Mount("/chat", inner);

        var sent = await Asgi.RunWebSocketAsync(root, Asgi.WebSocket("/chat/ws/main"));

        Assert.IsType<WebSocketAccept>(sent[0]);
        Assert.Equal("main", seen!.PathParams["room"]);
        Assert.Equal("/chat", seen.RootPath);
    }

    [Fact]
    public async Task Route_can_point_at_another_router_which_sees_the_full_path()
    {
        ConnectionScope? seen = null;
        var inner = new AsgiRouter().MapGet("/reports/{year:int}/summary", Asgi.Capture(s => seen = s));
        var root = new AsgiRouter().Map("/reports/{**rest}", inner);

        var response = await Asgi.RunHttpAsync(root, Asgi.Http("/reports/2024/summary"));

        Assert.Equal(200, response.Status);
        Assert.Equal(2024, seen!.PathParams["year"]);
        Assert.Equal("2024/summary", seen.PathParams["rest"]);
        Assert.Equal(string.Empty, seen.RootPath);
    }

    [Fact]
    public async Task Mount_does_not_change_the_callers_scope()
    {
        var scope = Asgi.Http("/api/x");
        var router = new AsgiRouter().Mount("/api", Asgi.Capture(_ => { }));

        await Asgi.RunHttpAsync(router, scope);

        Assert.Equal(string.Empty, scope.RootPath);
        Assert.Equal("/api/x", scope.Path);
    }
}
