using AsgiBridge.Seeds.Tests.Harness;
using AsgiBridge.Seeds.Tests.Ports;
using AsgiBridge.TestInfrastructure.Kestrel;

namespace AsgiBridge.Seeds.Tests.Seeds;

/// <summary>Seed 001 "ASGI ? What is it simply ?": hello world, starlette as a toolkit and a framework, the lifespan app.</summary>
public sealed class Seed001Tests
{
    [Fact]
    public async Task Hello_world_answers_as_on_uvicorn_and_a_post_fails_the_assert_alike()
    {
        await using var servers = await SideBySide.StartAsync("seed001_hello:app", Seed001Hello.App);

        Assert.Equal("Hello, world!", (await servers.AssertSameGetAsync("/")).Text);

        // assert scope["method"] == "GET" fails before the response: both answer 500.
        await servers.AssertSameErrorAsync(client => client.PostAsync(new Uri("/", UriKind.Relative), new StringContent("x")));
    }

    [Fact]
    public async Task Plain_text_response_answers_as_starlettes_on_uvicorn()
    {
        await using var servers = await SideBySide.StartAsync("seed001_starlette:app", Seed001Hello.PlainText);

        var response = await servers.AssertSameGetAsync("/");

        Assert.Equal("text/plain; charset=utf-8", response.Header("content-type"));
        Assert.Equal("Hello, world!", response.Text);
    }

    [Fact]
    public async Task Routed_app_answers_its_routes_as_starlette_on_uvicorn()
    {
        await using var servers = await SideBySide.StartAsync("seed001_starlette:routed_app", Seed001Hello.Routed());

        Assert.Equal("Home", (await servers.AssertSameGetAsync("/")).Text);
        Assert.Equal("Hello", (await servers.AssertSameGetAsync("/hello")).Text);
        var (uvicorn, bridge) = await servers.BothAsync(client => client.GetAsync(new Uri("/missing", UriKind.Relative)));
        Assert.Equal((404, "Not Found"), (uvicorn.Status, uvicorn.Text));
        Assert.Equal((uvicorn.Status, uvicorn.Text), (bridge.Status, bridge.Text));
        var (uvicornPost, bridgePost) = await servers.BothAsync(client => client.PostAsync(new Uri("/hello", UriKind.Relative), null));
        Assert.Equal((405, "Method Not Allowed"), (uvicornPost.Status, uvicornPost.Text));
        Assert.Equal((uvicornPost.Status, uvicornPost.Text), (bridgePost.Status, bridgePost.Text));
        // starlette builds Allow from a set, whose order changes with Python's per-process string hashing.
        Assert.Equal(["GET", "HEAD"], uvicornPost.Header("allow")!.Split(", ").Order(StringComparer.Ordinal));
        Assert.Equal(["GET", "HEAD"], bridgePost.Header("allow")!.Split(", ").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Lifespan_app_prints_at_startup_before_serving_and_at_shutdown_as_on_uvicorn()
    {
        var uvicorn = await UvicornServer.StartAsync("seed001_lifespan:app", lifespan: "on");
        await using (uvicorn)
        {
            // stdout and stderr are two pipes, so only presence is compared, not the interleaving.
            await uvicorn.Process.WaitForTextAsync("Do something at startup");
            Assert.Equal("Hello, world!", await uvicorn.CreateClient().GetStringAsync(new Uri("/", UriKind.Relative)));
            Assert.DoesNotContain("Do something at shutdown", uvicorn.Process.Lines);
            Assert.Equal(0, await uvicorn.Process.StopAsync());
            Assert.Contains("Do something at shutdown", uvicorn.Process.Lines);
        }

        var stdout = new LineWriter();
        await using (var bridge = await KestrelTestHost.StartAsync(new Seed001Lifespan(stdout).App))
        {
            // The host is started, so lifespan startup completed first.
            Assert.Equal(["Do something at startup"], stdout.Lines);
            Assert.Equal("Hello, world!", await bridge.CreateClient(KestrelProtocol.Http1).GetStringAsync(new Uri("/", UriKind.Relative)));
            Assert.Equal(["Do something at startup"], stdout.Lines);
        }

        Assert.Equal(["Do something at startup", "Do something at shutdown"], stdout.Lines);
    }
}
