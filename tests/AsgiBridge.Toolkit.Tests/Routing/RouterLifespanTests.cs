using AsgiBridge.Messages;
using AsgiBridge.Testing;
using AsgiBridge.Toolkit;

namespace AsgiBridge.Toolkit.Tests.Routing;

public sealed class RouterLifespanTests
{
    [Fact]
    public async Task Startup_and_shutdown_hooks_run_in_order_and_state_is_shared()
    {
        var log = new List<string>();
        var router = new AsgiRouter()
            .OnStartup(scope =>
            {
                log.Add("start1");
                scope.State!["db"] = "connected";
                return Task.CompletedTask;
            })
            .OnStartup(async scope =>
            {
                await Task.Yield();
                log.Add("start2:" + scope.State!["db"]);
            })
            .OnShutdown(scope =>
            {
                log.Add("stop:" + scope.State!["db"]);
                return Task.CompletedTask;
            });
        var lifespan = new LifespanScope();
        await using var app = new AsgiCommunicator(router.App, lifespan);
        await app.SendInputAsync(LifespanStartup.Instance);

        Assert.IsType<LifespanStartupComplete>(await app.ReceiveOutputAsync(Asgi.Timeout));
        Assert.Equal("connected", lifespan.State!["db"]);
        Assert.Equal(["start1", "start2:connected"], log);

        await app.SendInputAsync(LifespanShutdown.Instance);
        Assert.IsType<LifespanShutdownComplete>(await app.ReceiveOutputAsync(Asgi.Timeout));
        await app.WaitAsync(Asgi.Timeout);
        Assert.Equal(["start1", "start2:connected", "stop:connected"], log);
    }

    [Fact]
    public async Task Startup_hook_exception_becomes_startup_failed_with_its_message()
    {
        var secondRan = false;
        var router = new AsgiRouter()
            .OnStartup(_ => throw new InvalidOperationException("database unreachable"))
            .OnStartup(_ =>
            {
                secondRan = true;
                return Task.CompletedTask;
            });
        var sent = await Asgi.RunAsync(router.App, new LifespanScope(), LifespanStartup.Instance);

        var failed = Assert.IsType<LifespanStartupFailed>(Assert.Single(sent));
        Assert.Equal("database unreachable", failed.Message);
        Assert.False(secondRan);
    }

    [Fact]
    public async Task Shutdown_hook_exception_becomes_shutdown_failed_with_its_message()
    {
        var router = new AsgiRouter().OnShutdown(async _ =>
        {
            await Task.Yield();
            throw new InvalidOperationException("flush failed");
        });
        var sent = await Asgi.RunAsync(router.App, new LifespanScope(), LifespanStartup.Instance, LifespanShutdown.Instance);

        Assert.IsType<LifespanStartupComplete>(sent[0]);
        Assert.Equal("flush failed", Assert.IsType<LifespanShutdownFailed>(sent[1]).Message);
    }

    [Fact]
    public async Task State_set_at_startup_is_visible_to_requests_through_their_state_copy()
    {
        var router = new AsgiRouter()
            .OnStartup(scope =>
            {
                scope.State!["greeting"] = "hello from startup";
                return Task.CompletedTask;
            })
            .MapGet("/", async (scope, receive, send) =>
            {
                await send(new HttpResponseStart(200));
                await send(new HttpResponseBody(System.Text.Encoding.UTF8.GetBytes((string)scope.State!["greeting"]!)));
            });
        var lifespan = new LifespanScope();
        await using var app = new AsgiCommunicator(router.App, lifespan);
        await app.SendInputAsync(LifespanStartup.Instance);
        await app.ReceiveOutputAsync<LifespanStartupComplete>(Asgi.Timeout);

        var request = Asgi.Http("/");
        request.State = new Dictionary<string, object?>(lifespan.State!);
        var response = await Asgi.RunHttpAsync(router, request);

        Assert.Equal("hello from startup", response.Text);
        await app.SendInputAsync(LifespanShutdown.Instance);
        await app.ReceiveOutputAsync<LifespanShutdownComplete>(Asgi.Timeout);
    }
}
