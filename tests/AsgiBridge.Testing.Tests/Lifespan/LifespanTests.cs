using AsgiBridge.Lifespan;
using AsgiBridge.Messages;

namespace AsgiBridge.Testing.Tests.Lifespan;

public sealed class LifespanTests
{
    private sealed class Recorder
    {
        public List<string> Events { get; } = [];

        public TaskCompletionSource<AsgiScope> RequestScope { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>A lifespan-aware application: fills state on startup, echoes state into requests, records the events.</summary>
    private static AsgiApp App(Recorder recorder, string? failStartup = null, string? failShutdown = null) => async (scope, receive, send) =>
    {
        if (scope is LifespanScope lifespan)
        {
            while (true)
            {
                switch (await receive())
                {
                    case LifespanStartup:
                        recorder.Events.Add("startup");
                        if (failStartup is not null)
                        {
                            await send(new LifespanStartupFailed(failStartup));
                            return;
                        }

                        lifespan.State!["db"] = "connected";
                        lifespan.State["shared"] = recorder;
                        await send(LifespanStartupComplete.Instance);
                        break;
                    case LifespanShutdown:
                        recorder.Events.Add("shutdown");
                        await send(failShutdown is null ? LifespanShutdownComplete.Instance : new LifespanShutdownFailed(failShutdown));
                        return;
                }
            }
        }

        recorder.RequestScope.TrySetResult(scope);
        if (scope is WebSocketScope)
        {
            await receive();
            await send(WebSocketAccept.Default);
            await send(WebSocketSend.FromText((string)scope.State!["db"]!));
            await send(WebSocketClose.Normal);
            return;
        }

        scope.State!["db"] = "changed by the request";
        await TestApps.SendText(send, 200, "ok");
    };

    [Fact]
    public async Task Startup_runs_on_start_and_shutdown_on_disposal()
    {
        var recorder = new Recorder();
        var client = await AsgiTestClient.StartAsync(App(recorder));

        Assert.Equal(["startup"], recorder.Events);
        Assert.True(client.LifespanRunning);
        Assert.Equal("connected", client.State!["db"]);

        await client.DisposeAsync();

        Assert.Equal(["startup", "shutdown"], recorder.Events);
    }

    [Fact]
    public async Task Http_scopes_get_a_shallow_copy_of_the_state()
    {
        var recorder = new Recorder();
        await using var client = await AsgiTestClient.StartAsync(App(recorder));

        await client.GetAsync("/");
        var scope = await recorder.RequestScope.Task.WaitAsync(TestApps.Timeout);

        Assert.Equal("changed by the request", scope.State!["db"]);
        Assert.Equal("connected", client.State!["db"]);
        Assert.Same(recorder, scope.State["shared"]);
        Assert.NotSame(client.State, scope.State);
    }

    [Fact]
    public async Task WebSocket_scopes_get_the_state_too()
    {
        var recorder = new Recorder();
        await using var client = await AsgiTestClient.StartAsync(App(recorder));

        await using var session = await client.ConnectWebSocketAsync("/ws");

        Assert.Equal("connected", await session.ReceiveTextAsync());
    }

    [Fact]
    public async Task Startup_failure_surfaces_with_the_applications_message()
    {
        var error = await Assert.ThrowsAsync<AsgiLifespanException>(() => AsgiTestClient.StartAsync(App(new Recorder(), failStartup: "database unreachable")));

        Assert.Contains("failed lifespan startup: database unreachable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shutdown_failure_surfaces_from_disposal()
    {
        var client = await AsgiTestClient.StartAsync(App(new Recorder(), failShutdown: "flush failed"));

        var error = await Assert.ThrowsAsync<AsgiLifespanException>(() => client.DisposeAsync().AsTask());

        Assert.Contains("failed lifespan shutdown: flush failed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_application_that_raises_on_lifespan_is_treated_as_not_supporting_it()
    {
        AsgiApp app = async (scope, receive, send) =>
        {
            if (scope is not HttpScope)
            {
                throw new NotSupportedException($"Unsupported scope {scope.Type}.");
            }

            await TestApps.SendText(send, 200, scope.State is null ? "no state" : "state");
        };

        await using var client = await AsgiTestClient.StartAsync(app);

        Assert.False(client.LifespanRunning);
        Assert.Null(client.State);
        Assert.Equal("no state", (await client.GetAsync("/")).Text);
    }

    [Fact]
    public async Task In_on_mode_an_exception_during_startup_fails_the_start()
    {
        AsgiApp app = async (scope, receive, send) =>
        {
            await receive();
            throw new InvalidOperationException("config missing");
        };

        var error = await Assert.ThrowsAsync<AsgiLifespanException>(() =>
            AsgiTestClient.StartAsync(app, new AsgiTestClientOptions { Lifespan = LifespanMode.On }));

        Assert.Contains("config missing", error.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(error.InnerException);
    }

    [Fact]
    public async Task Off_mode_does_not_call_the_application_for_lifespan()
    {
        var recorder = new Recorder();
        await using var client = await AsgiTestClient.StartAsync(App(recorder), new AsgiTestClientOptions { Lifespan = LifespanMode.Off });

        Assert.Empty(recorder.Events);
        Assert.Null(client.State);
    }

    [Fact]
    public async Task Lifespan_messages_out_of_order_are_rejected()
    {
        var secondComplete = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        AsgiApp app = async (scope, receive, send) =>
        {
            await receive();
            await send(LifespanStartupComplete.Instance);
            secondComplete.SetResult(await Record.ExceptionAsync(() => send(LifespanStartupComplete.Instance).AsTask()));
            await receive();
            await send(LifespanShutdownComplete.Instance);
        };

        await using var client = await AsgiTestClient.StartAsync(app);

        var error = Assert.IsType<AsgiProtocolException>(await secondComplete.Task.WaitAsync(TestApps.Timeout));
        Assert.Contains("lifespan.startup was already answered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shutdown_complete_before_shutdown_is_rejected()
    {
        AsgiApp app = async (scope, receive, send) =>
        {
            await receive();
            await send(LifespanShutdownComplete.Instance);
        };

        var error = await Assert.ThrowsAsync<AsgiLifespanException>(() =>
            AsgiTestClient.StartAsync(app, new AsgiTestClientOptions { Lifespan = LifespanMode.On }));

        Assert.Contains("sent before lifespan.startup.complete", error.InnerException!.Message, StringComparison.Ordinal);
    }
}
