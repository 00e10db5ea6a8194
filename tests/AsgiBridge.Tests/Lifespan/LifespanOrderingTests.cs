using System.Net;
using AsgiBridge.Lifespan;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Kestrel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AsgiBridge.Tests.Lifespan;

public sealed class LifespanOrderingTests
{
    [Fact]
    public async Task No_request_is_served_before_startup_completes()
    {
        var startupReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseStartup = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var port = KestrelTestHost.FreePort();
        var events = new EventLog();
        await using var host = KestrelTestHost.Create(app => app.UseAsgi(async (scope, receive, send) =>
        {
            if (scope is LifespanScope)
            {
                await TestApps.LifespanAsync(scope, receive, send, events, startup: async () =>
                {
                    startupReceived.SetResult();
                    await releaseStartup.Task;
                });
                return;
            }

            events.Add("request");
            await TestApps.RespondAsync(send, "ok");
        }), http1Port: port, services: services => services.AddProbeServer(events));

        var start = host.StartAsync();
        await startupReceived.Task.WaitAsync(TestApps.Patience);

        // Startup is blocked: the server has not started, so a request cannot even connect.
        Assert.False(start.IsCompleted);
        Assert.Equal(0, events.Count(ProbeServer.Started));
        using (var early = new HttpClient { Timeout = TestApps.Patience })
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => early.GetAsync(new Uri($"http://127.0.0.1:{port}/")));
        }

        releaseStartup.SetResult();
        await start.WaitAsync(TestApps.Patience);
        using var response = await host.CreateClient(KestrelProtocol.Http1).GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        events.AssertOrder("lifespan.startup", "lifespan.startup.complete", ProbeServer.Started, "request");
        Assert.Equal(1, events.Count("request"));
    }

    [Fact]
    public async Task Shutdown_is_delivered_after_in_flight_requests_drained_and_the_host_waits_for_it()
    {
        var requestStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var shutdownReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseShutdown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Func<ProbeServer>? probe = null;
        var events = new EventLog();
        await using var host = KestrelTestHost.Create(app => app.UseAsgi(async (scope, receive, send) =>
        {
            if (scope is LifespanScope)
            {
                await TestApps.LifespanAsync(scope, receive, send, events, shutdown: async () =>
                {
                    shutdownReceived.SetResult();
                    await releaseShutdown.Task;
                });
                return;
            }

            events.Add("request.start");
            requestStarted.SetResult();

            // The request ends once the server begins stopping. Were lifespan.shutdown delivered while it is still
            // in flight, it would wake first and the response would say so.
            var first = await Task.WhenAny(probe!().StoppingSignal, shutdownReceived.Task);
            var verdict = first == shutdownReceived.Task ? "shutdown-arrived-while-in-flight" : "drained-first";
            events.Add("request.end");
            await TestApps.RespondAsync(send, verdict);
        }), services: services => probe = services.AddProbeServer(events));
        await host.StartAsync().WaitAsync(TestApps.Patience);

        var request = host.CreateClient(KestrelProtocol.Http1).GetAsync(new Uri("/", UriKind.Relative));
        await requestStarted.Task.WaitAsync(TestApps.Patience);
        var stop = host.StopAsync();

        using var response = await request.WaitAsync(TestApps.Patience);
        Assert.Equal("drained-first", await response.Content.ReadAsStringAsync());

        await shutdownReceived.Task.WaitAsync(TestApps.Patience);
        Assert.False(stop.IsCompleted, "The host finished stopping before the application answered lifespan.shutdown.");
        releaseShutdown.SetResult();
        await stop.WaitAsync(TestApps.Patience);
        events.Add("host.stopped");

        events.AssertOrder("lifespan.startup.complete", ProbeServer.Started, "request.start", ProbeServer.Stopping,
            "request.end", ProbeServer.Stopped, "lifespan.shutdown", "lifespan.shutdown.complete", "host.stopped");
    }

    [Fact]
    public async Task Two_stops_at_once_both_wait_for_the_answer_to_lifespan_shutdown()
    {
        // WebApplicationFactory does this to a minimal-hosting app: its dispose stops the host while the entry point's
        // app.Run() reacts to ApplicationStopping with a StopAsync of its own. The second stop must not return first.
        var shutdownReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseShutdown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var events = new EventLog();
        await using var host = KestrelTestHost.Create(app => app.UseAsgi(async (scope, receive, send) =>
        {
            await TestApps.LifespanAsync(scope, receive, send, events, shutdown: async () =>
            {
                shutdownReceived.SetResult();
                await releaseShutdown.Task;
            });
        }));
        await host.StartAsync().WaitAsync(TestApps.Patience);

        var first = host.StopAsync();
        await shutdownReceived.Task.WaitAsync(TestApps.Patience);
        var second = host.StopAsync();
        var early = await Task.WhenAny(second, Task.Delay(TimeSpan.FromMilliseconds(200)));

        Assert.NotSame(second, early);   // still waiting for the application's answer
        Assert.False(first.IsCompleted);
        releaseShutdown.SetResult();
        await Task.WhenAll(first, second).WaitAsync(TestApps.Patience);
        Assert.Equal(1, events.Count("lifespan.shutdown.complete"));
    }

    [Fact]
    public async Task Generic_host_with_the_server_registered_first_and_the_app_mounted_in_Configure_keeps_the_order()
    {
        // Here GenericWebHostService is registered before AddAsgi's service, and UseAsgi runs while the server's own
        // StartAsync builds the pipeline: the app is registered late. Startup is still delivered before the server
        // listens, host start waits for it, and requests wait until it completed.
        var events = new EventLog();
        Func<ProbeServer>? probe = null;
        var releaseStartup = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requestArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = new HostBuilder()
            .ConfigureWebHost(web => web
                .UseKestrel(options => options.Listen(IPAddress.Loopback, 0))
                .Configure(app =>
                {
                    app.Use((context, next) =>
                    {
                        requestArrived.TrySetResult();
                        return next(context);
                    });
                    app.UseAsgi(async (scope, receive, send) =>
                    {
                        if (scope is LifespanScope)
                        {
                            await TestApps.LifespanAsync(scope, receive, send, events, startup: async () =>
                            {
                                scope.State!["ready"] = "state from startup";
                                await releaseStartup.Task;
                            });
                            return;
                        }

                        events.Add("request");
                        await TestApps.RespondAsync(send, scope.State?["ready"] as string ?? "no state");
                    });
                }))
            .ConfigureServices(services => probe = services.AddAsgi().AddProbeServer(events))
            .Build();

        var addresses = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        var start = host.StartAsync();
        await Task.WhenAny(probe!().StartedSignal, start).Unwrap().WaitAsync(TestApps.Patience);
        Assert.False(start.IsCompleted, "Host start completed before lifespan startup did.");
        Assert.Equal(1, events.Count("lifespan.startup"));

        using var client = new HttpClient { BaseAddress = new Uri(addresses.Addresses.First()), Timeout = TestApps.Patience };
        var request = client.GetAsync(new Uri("/", UriKind.Relative));
        await requestArrived.Task.WaitAsync(TestApps.Patience);
        Assert.Equal(0, events.Count("request"));
        releaseStartup.SetResult();

        await start.WaitAsync(TestApps.Patience);
        using var response = await request.WaitAsync(TestApps.Patience);
        Assert.Equal("state from startup", await response.Content.ReadAsStringAsync());
        events.AssertOrder("lifespan.startup", ProbeServer.Started, "lifespan.startup.complete", "request");

        await host.StopAsync().WaitAsync(TestApps.Patience);
        events.AssertOrder("request", "lifespan.shutdown", "lifespan.shutdown.complete");
    }

    [Fact]
    public async Task Generic_host_start_fails_when_an_app_mounted_in_Configure_fails_startup()
    {
        using var host = new HostBuilder()
            .ConfigureWebHost(web => web
                .UseKestrel(options => options.Listen(IPAddress.Loopback, 0))
                .Configure(app => app.UseAsgi(async (scope, receive, send) =>
                {
                    await receive();
                    await send(new LifespanStartupFailed("late app cannot start"));
                })))
            .ConfigureServices(services => services.AddAsgi())
            .Build();

        var error = await Assert.ThrowsAsync<AsgiLifespanException>(() => host.StartAsync().WaitAsync(TestApps.Patience));
        Assert.Contains("late app cannot start", error.Message, StringComparison.Ordinal);
    }
}
