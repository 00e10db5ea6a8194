using System.Collections.Concurrent;
using System.Net;
using AsgiBridge.Lifespan;
using AsgiBridge.TestInfrastructure.Kestrel;
using Microsoft.AspNetCore.Builder;

namespace AsgiBridge.Tests.Lifespan;

public sealed class LifespanStateTests
{
    [Fact]
    public async Task Lifespan_scope_gets_an_empty_state_and_the_lifespan_version()
    {
        var seen = new TaskCompletionSource<(int Count, AsgiVersion Version, bool HasStateKey)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var events = new EventLog();
        await using var host = KestrelTestHost.Create(app => app.UseAsgi(async (scope, receive, send) =>
        {
            if (scope is LifespanScope)
            {
                seen.TrySetResult((scope.State!.Count, scope.Asgi, scope.ContainsKey("state")));
                await TestApps.LifespanAsync(scope, receive, send, events);
                return;
            }

            await TestApps.RespondAsync(send, "ok");
        }), services: services => services.AddProbeServer(events));
        await host.StartAsync().WaitAsync(TestApps.Patience);

        var (count, version, hasState) = await seen.Task;
        Assert.Equal(0, count);
        Assert.True(hasState);
        Assert.Equal("3.0", version.Version);
        Assert.Equal("2.0", version.SpecVersion);
    }

    [Fact]
    public async Task Requests_see_startup_values_and_a_request_replacing_a_key_does_not_affect_others()
    {
        var pool = new object();
        var pools = new ConcurrentBag<object?>();
        var events = new EventLog();
        await using var host = KestrelTestHost.Create(app => app.UseAsgi(async (scope, receive, send) =>
        {
            if (scope is LifespanScope)
            {
                await TestApps.LifespanAsync(scope, receive, send, events, startup: () =>
                {
                    scope.State!["pool"] = pool;
                    scope.State["greeting"] = "from startup";
                    return Task.CompletedTask;
                });
                return;
            }

            var state = scope.State!;
            pools.Add(state["pool"]);
            var before = (string)state["greeting"]!;
            if (((HttpScope)scope).Path == "/replace")
            {
                state["greeting"] = "replaced by a request";
                state["added"] = "by a request";
                state.Remove("pool");
            }

            await TestApps.RespondAsync(send, $"{before}|{state.ContainsKey("added")}|{state.Count}");
        }), services: services => services.AddProbeServer(events));
        await host.StartAsync().WaitAsync(TestApps.Patience);

        Assert.Equal("from startup|True|2", await host.CreateClient(KestrelProtocol.Http1).GetStringAsync(new Uri("/replace", UriKind.Relative)));
        Assert.Equal("from startup|False|2", await host.CreateClient(KestrelProtocol.Http1).GetStringAsync(new Uri("/other", UriKind.Relative)));
        Assert.Equal("from startup|False|2", await host.CreateClient(KestrelProtocol.Http1).GetStringAsync(new Uri("/other", UriKind.Relative)));
        Assert.Equal(3, pools.Count);
        Assert.All(pools, seenPool => Assert.Same(pool, seenPool));
    }

    [Fact]
    public async Task Values_the_lifespan_adds_after_startup_reach_later_requests()
    {
        var lifespanState = new TaskCompletionSource<IDictionary<string, object?>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var events = new EventLog();
        await using var host = KestrelTestHost.Create(app => app.UseAsgi(async (scope, receive, send) =>
        {
            if (scope is LifespanScope)
            {
                lifespanState.TrySetResult(scope.State!);
                await TestApps.LifespanAsync(scope, receive, send, events);
                return;
            }

            await TestApps.RespondAsync(send, scope.State!.TryGetValue("late", out var value) ? (string)value! : "absent");
        }), services: services => services.AddProbeServer(events));
        await host.StartAsync().WaitAsync(TestApps.Patience);

        Assert.Equal("absent", await host.CreateClient(KestrelProtocol.Http1).GetStringAsync(new Uri("/", UriKind.Relative)));
        (await lifespanState.Task)["late"] = "added later";
        Assert.Equal("added later", await host.CreateClient(KestrelProtocol.Http1).GetStringAsync(new Uri("/", UriKind.Relative)));
    }

    [Theory]
    [InlineData(LifespanMode.Off)]
    [InlineData(LifespanMode.Auto)]
    public async Task State_is_absent_when_lifespan_is_off_or_unsupported(LifespanMode mode)
    {
        var events = new EventLog();
        await using var host = KestrelTestHost.Create(app => app.UseAsgi(async (scope, receive, send) =>
        {
            if (scope is LifespanScope)
            {
                throw new NotSupportedException("http only");
            }

            await TestApps.RespondAsync(send, $"{scope.State is null}|{scope.ContainsKey("state")}");
        }), options => options.Lifespan.Mode = mode, services: services => services.AddProbeServer(events));
        await host.StartAsync().WaitAsync(TestApps.Patience);

        using var response = await host.CreateClient(KestrelProtocol.Http1).GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("True|False", await response.Content.ReadAsStringAsync());
    }
}
