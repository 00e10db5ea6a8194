using System.Collections.Concurrent;
using AsgiBridge.Lifespan;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Kestrel;
using Microsoft.AspNetCore.Builder;

namespace AsgiBridge.Tests.Lifespan;

public sealed class LifespanRegistrationTests
{
    [Fact]
    public async Task Each_distinct_app_gets_one_lifespan_however_often_it_is_mounted()
    {
        var lifespans = new ConcurrentQueue<string>();
        AsgiApp Named(string name) => async (scope, receive, send) =>
        {
            if (scope is LifespanScope)
            {
                lifespans.Enqueue(name);
                await TestApps.LifespanAsync(scope, receive, send, new EventLog(), startup: () =>
                {
                    scope.State!["owner"] = name;
                    return Task.CompletedTask;
                });
                return;
            }

            await TestApps.RespondAsync(send, $"{name}:{scope.State!["owner"]}");
        };

        var shared = Named("shared");
        var other = Named("other");
        var events = new EventLog();
        await using var host = KestrelTestHost.Create(app =>
        {
            app.MapAsgi("/a", shared);
            app.MapAsgi("/b", shared);
            app.Map("/c", branch => branch.UseAsgi(shared));
            app.MapAsgi("/other", other);
            app.Map("/hi", branch => branch.UseAsgi(HelloApp.Run));
            app.MapAsgi("/hello", HelloApp.Run); // a second delegate over the same method: the same app
        }, services: services => services.AddProbeServer(events));
        await host.StartAsync().WaitAsync(TestApps.Patience);

        Assert.Equal(["shared", "other"], lifespans);
        Assert.Equal("shared:shared", await host.CreateClient(KestrelProtocol.Http1).GetStringAsync(new Uri("/a", UriKind.Relative)));
        Assert.Equal("shared:shared", await host.CreateClient(KestrelProtocol.Http1).GetStringAsync(new Uri("/b", UriKind.Relative)));
        Assert.Equal("shared:shared", await host.CreateClient(KestrelProtocol.Http1).GetStringAsync(new Uri("/c", UriKind.Relative)));
        Assert.Equal("other:other", await host.CreateClient(KestrelProtocol.Http1).GetStringAsync(new Uri("/other", UriKind.Relative)));
        Assert.Equal("Hello, world!", await host.CreateClient(KestrelProtocol.Http1).GetStringAsync(new Uri("/hi", UriKind.Relative)));
        Assert.Equal("Hello, world!", await host.CreateClient(KestrelProtocol.Http1).GetStringAsync(new Uri("/hello", UriKind.Relative)));
        Assert.Single(host.Logs.WithEvent(43)); // HelloApp: one unsupported lifespan for both of its mounts

        await host.StopAsync().WaitAsync(TestApps.Patience);
        Assert.Equal(2, host.Logs.WithEvent(47).Count); // shutdown completed for shared and other, once each
    }

    [Fact]
    public async Task Apps_start_in_registration_order_and_stop_in_reverse()
    {
        var events = new EventLog();
        await using var host = KestrelTestHost.Create(app =>
        {
            app.MapAsgi("/first", (scope, receive, send) => TestApps.LifespanAsync(scope, receive, send, events, prefix: "first"));
            app.MapAsgi("/second", (scope, receive, send) => TestApps.LifespanAsync(scope, receive, send, events, prefix: "second"));
        }, services: services => services.AddProbeServer(events));
        await host.StartAsync().WaitAsync(TestApps.Patience);
        await host.StopAsync().WaitAsync(TestApps.Patience);

        events.AssertOrder("first.startup.complete", "second.startup", "second.startup.complete", ProbeServer.Started,
            ProbeServer.Stopped, "second.shutdown", "second.shutdown.complete", "first.shutdown", "first.shutdown.complete");
    }

    [Fact]
    public async Task When_a_later_app_fails_startup_the_apps_already_started_are_shut_down()
    {
        var events = new EventLog();
        await using var host = KestrelTestHost.Create(app =>
        {
            app.MapAsgi("/first", (scope, receive, send) => TestApps.LifespanAsync(scope, receive, send, events, prefix: "first"));
            app.MapAsgi("/second", async (scope, receive, send) =>
            {
                await receive();
                await send(new LifespanStartupFailed("second cannot start"));
            });
        }, services: services => services.AddProbeServer(events));

        var error = await Assert.ThrowsAsync<AsgiLifespanException>(() => host.StartAsync().WaitAsync(TestApps.Patience));
        Assert.Contains("second cannot start", error.Message, StringComparison.Ordinal);
        events.AssertOrder("first.startup.complete", "first.shutdown", "first.shutdown.complete");
        Assert.Equal(0, events.Count(ProbeServer.Started));
    }
}
