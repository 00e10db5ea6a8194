using System.Net;
using AsgiBridge.Hosting;
using AsgiBridge.Lifespan;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Kestrel;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Tests.Lifespan;

[Collection(nameof(AsgiBridge.Tests.Infrastructure.WebApplicationFactoryGroup))]
public sealed class LifespanModeTests
{
    [Fact]
    public async Task Auto_treats_an_app_that_raises_on_the_lifespan_scope_as_unsupported_and_logs_it_once()
    {
        var events = new EventLog();
        await using var host = KestrelTestHost.Create(app => app.UseAsgi(HelloApp.Run), services: services => services.AddProbeServer(events));
        await host.StartAsync().WaitAsync(TestApps.Patience);

        Assert.Equal("Hello, world!", await host.CreateClient(KestrelProtocol.Http1).GetStringAsync(new Uri("/", UriKind.Relative)));
        var unsupported = Assert.Single(host.Logs.WithEvent(43));
        Assert.Equal(LogLevel.Information, unsupported.Level);
        Assert.Contains("unsupported", unsupported.Message, StringComparison.Ordinal);
        Assert.Contains("NotSupportedException", unsupported.Message, StringComparison.Ordinal);
        Assert.Null(unsupported.Exception); // one line, no stack trace
        Assert.IsType<NotSupportedException>(Assert.Single(host.Logs.WithEvent(58)).Exception);

        await host.StopAsync().WaitAsync(TestApps.Patience);
        Assert.Empty(host.Logs.WithEvent(46)); // no lifespan.shutdown is sent to an app without lifespan
        Assert.DoesNotContain(host.Logs.Entries, e => e.Level >= LogLevel.Warning && e.Category.StartsWith("AsgiBridge", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Auto_treats_an_app_that_returns_without_answering_as_unsupported()
    {
        var calls = 0;
        var events = new EventLog();
        await using var host = KestrelTestHost.Create(app => app.UseAsgi(async (scope, receive, send) =>
        {
            if (scope is LifespanScope)
            {
                Interlocked.Increment(ref calls);
                return;
            }

            await TestApps.RespondAsync(send, "ok");
        }), services: services => services.AddProbeServer(events));
        await host.StartAsync().WaitAsync(TestApps.Patience);

        Assert.Equal("ok", await host.CreateClient(KestrelProtocol.Http1).GetStringAsync(new Uri("/", UriKind.Relative)));
        Assert.Equal(1, calls);
        Assert.Single(host.Logs.WithEvent(43));
    }

    [Fact]
    public async Task On_fails_host_start_when_the_app_raises_on_the_lifespan_scope()
    {
        var events = new EventLog();
        await using var host = KestrelTestHost.Create(app => app.UseAsgi(HelloApp.Run), options => options.Lifespan.Mode = LifespanMode.On, services: services => services.AddProbeServer(events));

        var error = await Assert.ThrowsAsync<AsgiLifespanException>(() => host.StartAsync().WaitAsync(TestApps.Patience));
        Assert.IsType<NotSupportedException>(error.InnerException);
        Assert.Contains("lifespan mode is On", error.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Critical, Assert.Single(host.Logs.WithEvent(44)).Level);
        Assert.Equal(0, events.Count(ProbeServer.Started));
    }

    [Fact]
    public async Task On_fails_host_start_when_the_app_sends_a_message_of_the_wrong_kind()
    {
        AsgiProtocolException? raised = null;
        var events = new EventLog();
        await using var host = KestrelTestHost.Create(app => app.UseAsgi(async (scope, receive, send) =>
        {
            await receive();
            try
            {
                await send(new HttpResponseStart(200));
            }
            catch (AsgiProtocolException ex)
            {
                raised = ex;
                throw;
            }
        }), options => options.Lifespan.Mode = LifespanMode.On, services: services => services.AddProbeServer(events));

        var error = await Assert.ThrowsAsync<AsgiLifespanException>(() => host.StartAsync().WaitAsync(TestApps.Patience));
        Assert.NotNull(raised);
        Assert.Same(raised, error.InnerException);
        Assert.Contains("http.response.start", raised.Message, StringComparison.Ordinal);
        Assert.Contains("not valid on a lifespan scope", raised.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_stops_the_host_when_the_lifespan_raises_after_startup()
    {
        var crash = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var events = new EventLog();
        await using var host = KestrelTestHost.Create(app => app.UseAsgi(async (scope, receive, send) =>
        {
            await receive();
            await send(LifespanStartupComplete.Instance);
            await crash.Task;
            throw new InvalidOperationException("connection pool died");
        }), options => options.Lifespan.Mode = LifespanMode.On, services: services => services.AddProbeServer(events));
        await host.StartAsync().WaitAsync(TestApps.Patience);
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());

        crash.SetResult();
        await stopping.Task.WaitAsync(TestApps.Patience);
        await host.Logs.WaitForEventAsync(55, TestApps.Patience);
        Assert.Equal("connection pool died", Assert.Single(host.Logs.WithEvent(54)).Exception!.Message);
        Assert.Single(host.Logs.WithEvent(55));
    }

    [Fact]
    public async Task Auto_logs_a_lifespan_that_raises_after_startup_and_keeps_serving()
    {
        var crash = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var events = new EventLog();
        await using var host = KestrelTestHost.Create(app => app.UseAsgi(async (scope, receive, send) =>
        {
            if (scope is LifespanScope)
            {
                await receive();
                scope.State!["ready"] = "yes";
                await send(LifespanStartupComplete.Instance);
                await crash.Task;
                throw new InvalidOperationException("background refresh failed");
            }

            await TestApps.RespondAsync(send, (string)scope.State!["ready"]!);
        }), services: services => services.AddProbeServer(events));
        await host.StartAsync().WaitAsync(TestApps.Patience);

        crash.SetResult();
        await host.Logs.WaitForEventAsync(54, TestApps.Patience);

        Assert.Equal("background refresh failed", Assert.Single(host.Logs.WithEvent(54)).Exception!.Message);
        Assert.Empty(host.Logs.WithEvent(55));
        Assert.False(host.Lifetime.ApplicationStopping.IsCancellationRequested);
        Assert.Equal("yes", await host.CreateClient(KestrelProtocol.Http1).GetStringAsync(new Uri("/", UriKind.Relative)));
    }

    [Fact]
    public async Task Off_never_calls_the_app_with_a_lifespan_scope()
    {
        var types = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var events = new EventLog();
        await using var host = KestrelTestHost.Create(app => app.UseAsgi(async (scope, receive, send) =>
        {
            types.Enqueue(scope.Type);
            await TestApps.RespondAsync(send, "ok");
        }), options => options.Lifespan.Mode = LifespanMode.Off, services: services => services.AddProbeServer(events));
        await host.StartAsync().WaitAsync(TestApps.Patience);

        Assert.Equal("ok", await host.CreateClient(KestrelProtocol.Http1).GetStringAsync(new Uri("/", UriKind.Relative)));
        await host.StopAsync().WaitAsync(TestApps.Patience);
        Assert.Equal(["http"], types);
    }

    [Fact]
    public async Task Startup_failed_makes_host_start_throw_with_the_apps_message_and_logs_it()
    {
        var events = new EventLog();
        await using var host = KestrelTestHost.Create(app => app.UseAsgi(async (scope, receive, send) =>
        {
            await receive();
            await send(new LifespanStartupFailed("database unreachable"));
        }), services: services => services.AddProbeServer(events));

        var error = await Assert.ThrowsAsync<AsgiLifespanException>(() => host.StartAsync().WaitAsync(TestApps.Patience));
        Assert.EndsWith("failed lifespan startup: database unreachable", error.Message, StringComparison.Ordinal);
        var logged = Assert.Single(host.Logs.WithEvent(42));
        Assert.Equal(LogLevel.Critical, logged.Level);
        Assert.Contains("database unreachable", logged.Message, StringComparison.Ordinal);
        Assert.Equal(0, events.Count(ProbeServer.Started));
    }

    [Fact]
    public void Startup_failed_through_WebApplicationFactory_surfaces_from_CreateClient()
    {
        using var factory = new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>().WithWebHostBuilder(web =>
            web.ConfigureServices(services => services.Configure<AsgiOptions>(o => o.Lifespan.Mode = LifespanMode.On)));

        // HelloAsgi's app raises on the lifespan scope; with lifespan On that fails host start.
        var error = Assert.Throws<AsgiLifespanException>(() => factory.CreateClient());
        Assert.IsType<NotSupportedException>(error.InnerException);
    }

    [Fact]
    public async Task Shutdown_failed_is_logged_and_shutdown_continues()
    {
        var events = new EventLog();
        await using var host = KestrelTestHost.Create(app => app.UseAsgi(async (scope, receive, send) =>
        {
            await receive();
            await send(LifespanStartupComplete.Instance);
            await receive();
            await send(new LifespanShutdownFailed("could not flush the cache"));
        }), services: services => services.AddProbeServer(events));
        await host.StartAsync().WaitAsync(TestApps.Patience);

        await host.StopAsync().WaitAsync(TestApps.Patience);
        var logged = Assert.Single(host.Logs.WithEvent(48));
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Contains("could not flush the cache", logged.Message, StringComparison.Ordinal);
        Assert.Equal(1, events.Count(ProbeServer.Stopped));
    }

    [Fact]
    public async Task Startup_timeout_fails_host_start_with_a_clear_error()
    {
        var never = new TaskCompletionSource();
        var events = new EventLog();
        await using var host = KestrelTestHost.Create(app => app.UseAsgi(async (scope, receive, send) =>
        {
            await receive();
            await never.Task;
        }), options => options.Lifespan.StartupTimeout = TimeSpan.FromMilliseconds(200), services: services => services.AddProbeServer(events));

        var error = await Assert.ThrowsAsync<AsgiLifespanException>(() => host.StartAsync().WaitAsync(TestApps.Patience));
        Assert.Contains("did not answer lifespan.startup within 00:00:00.2", error.Message, StringComparison.Ordinal);
        Assert.Contains("AsgiOptions.Lifespan.StartupTimeout", error.Message, StringComparison.Ordinal);
        Assert.Single(host.Logs.WithEvent(45));
        Assert.Equal(0, events.Count(ProbeServer.Started));
    }

    [Fact]
    public async Task Shutdown_timeout_is_logged_and_the_host_stops()
    {
        var never = new TaskCompletionSource();
        var events = new EventLog();
        await using var host = KestrelTestHost.Create(app => app.UseAsgi(async (scope, receive, send) =>
        {
            await receive();
            await send(LifespanStartupComplete.Instance);
            await receive();
            await never.Task;
        }), options => options.Lifespan.ShutdownTimeout = TimeSpan.FromMilliseconds(200), services: services => services.AddProbeServer(events));
        await host.StartAsync().WaitAsync(TestApps.Patience);

        await host.StopAsync().WaitAsync(TestApps.Patience);
        var logged = Assert.Single(host.Logs.WithEvent(49));
        Assert.Contains("AsgiOptions.Lifespan.ShutdownTimeout", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_positive_timeouts_are_rejected_with_a_clear_error()
    {
        var services = new ServiceCollection().AddLogging().AddSingleton<IHostApplicationLifetime, FakeLifetime>()
            .AddAsgi(options => options.Lifespan.StartupTimeout = TimeSpan.Zero).BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => services.GetServices<IHostedService>().OfType<AsgiLifespanService>().Single());
        Assert.Contains("AsgiOptions.Lifespan.StartupTimeout must be positive", error.Message, StringComparison.Ordinal);
    }

    private sealed class FakeLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
