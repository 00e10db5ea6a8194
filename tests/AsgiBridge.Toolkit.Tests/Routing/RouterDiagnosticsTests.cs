using AsgiBridge.Testing;
using AsgiBridge.TestInfrastructure.Logging;
using AsgiBridge.Toolkit;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Toolkit.Tests.Routing;

/// <summary>Issue 13.8: duplicate names throw; duplicate and shadowed routes are reported, and logged at startup.</summary>
public sealed class RouterDiagnosticsTests
{
    private static readonly AsgiApp s_ok = ((AsgiResponse)new TextResponse("ok")).ToApp();

    [Fact]
    public void A_second_route_with_a_taken_name_throws()
    {
        var router = new AsgiRouter().MapGet("/a", s_ok, name: "home");

        var error = Assert.Throws<ArgumentException>(() => router.MapGet("/b", s_ok, name: "home"));

        Assert.Contains("'home'", error.Message, StringComparison.Ordinal);
        Assert.Contains("/a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicates_and_shadowed_routes_are_reported_and_distinct_routes_are_not()
    {
        var router = new AsgiRouter()
            .MapGet("/users/{id}", s_ok)
            .MapGet("/users/me", s_ok)                 // shadowed: {id} matches "me" first
            .MapGet("/Users/{name}", s_ok)             // duplicate of the first (case and parameter names do not matter)
            .MapPost("/users/{id}", s_ok)              // another method: fine
            .MapGet("/items/{id:int}", s_ok)
            .MapGet("/items/latest", s_ok)             // fine: {id:int} does not match "latest"
            .MapGet("/docs", s_ok)
            .MapGet("/docs/", s_ok)                    // fine: the other trailing-slash form
            .Mount("/static", s_ok)
            .MapGet("/static/app.js", s_ok)            // shadowed by the mount
            .MapWebSocket("/users/me", s_ok);          // fine: WebSocket routes are matched apart

        var found = router.Diagnose();

        Assert.Equal(3, found.Count);
        Assert.Contains("'GET /users/me' is shadowed by 'GET /users/{id}'", found[0], StringComparison.Ordinal);
        Assert.StartsWith("duplicate route 'GET /Users/{name}'", found[1], StringComparison.Ordinal);
        Assert.Contains("'GET /static/app.js' is shadowed by 'mount /static'", found[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Mounted_routers_are_diagnosed_with_their_prefix()
    {
        var api = new AsgiRouter().MapGet("/{**rest}", s_ok).MapGet("/me", s_ok);
        var router = new AsgiRouter().Mount("/api", api);

        Assert.Contains("'GET /api/me' is shadowed by 'GET /api/{**rest}'", Assert.Single(router.Diagnose()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_findings_are_logged_as_warnings_once_at_startup()
    {
        var logs = new TestLogSink();
        var router = new AsgiRouter { Logger = logs.Logger("router") }.MapGet("/a", s_ok).MapGet("/a", s_ok);

        await using (var client = await AsgiTestClient.StartAsync(router))
        {
            Assert.Equal("ok", (await client.GetAsync("/a")).Text);
        }

        var warning = Assert.Single(logs.WithEvent(83));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("duplicate route 'GET /a'", warning.Message, StringComparison.Ordinal);
    }
}
