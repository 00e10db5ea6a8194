using AsgiBridge.Messages;
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
        var connection = new FakeConnection(http: false, LifespanStartup.Instance);

        var run = router.App(lifespan, connection.Receive, connection.Send);
        Assert.IsType<LifespanStartupComplete>(await connection.NextSentAsync());
        Assert.Equal("connected", lifespan.State!["db"]);
        Assert.Equal(["start1", "start2:connected"], log);

        connection.Push(LifespanShutdown.Instance);
        Assert.IsType<LifespanShutdownComplete>(await connection.NextSentAsync());
        await run.WaitAsync(FakeConnection.Timeout);
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
        var connection = new FakeConnection(http: false, LifespanStartup.Instance);

        await router.App(new LifespanScope(), connection.Receive, connection.Send).WaitAsync(FakeConnection.Timeout);

        var failed = Assert.IsType<LifespanStartupFailed>(Assert.Single(connection.Sent));
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
        var connection = new FakeConnection(http: false, LifespanStartup.Instance, LifespanShutdown.Instance);

        await router.App(new LifespanScope(), connection.Receive, connection.Send).WaitAsync(FakeConnection.Timeout);

        Assert.IsType<LifespanStartupComplete>(connection.Sent[0]);
        Assert.Equal("flush failed", Assert.IsType<LifespanShutdownFailed>(connection.Sent[1]).Message);
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
        var connection = new FakeConnection(http: false, LifespanStartup.Instance);
        _ = router.App(lifespan, connection.Receive, connection.Send);
        await connection.WaitForSentAsync<LifespanStartupComplete>();

        var request = Asgi.Http("/");
        request.State = new Dictionary<string, object?>(lifespan.State!);
        var response = await Asgi.RunHttpAsync(router, request);

        Assert.Equal("hello from startup", response.Text);
        connection.Push(LifespanShutdown.Instance);
        await connection.WaitForSentAsync<LifespanShutdownComplete>();
    }
}
