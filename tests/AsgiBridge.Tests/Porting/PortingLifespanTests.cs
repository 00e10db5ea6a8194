using AsgiBridge.Lifespan;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Kestrel;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Tests.Porting;

/// <summary>
/// Issue 11.7 on real Kestrel: "lifespan unsupported" is one Information line (the reason at Debug), a failed startup
/// fails host start with the app's message, and the shutdown timeout runs from lifespan.shutdown, not from the host's stop.
/// The process-level exit code 3 is tested with real processes in AsgiBridge.Seeds.Tests (LifespanProcessTests).
/// </summary>
public sealed class PortingLifespanTests
{
    [Fact]
    public async Task An_app_that_raises_on_the_lifespan_scope_is_one_information_line_and_a_debug_detail()
    {
        KestrelTestHost host;
        await using (host = await KestrelTestHost.StartAsync(static (scope, receive, send) =>
            scope is LifespanScope ? throw new ArgumentException($"Unknown scope type: {scope.Type}") : Task.CompletedTask))
        {
        }

        var unsupported = Assert.Single(host.Logs.WithEvent(43));
        Assert.Equal(LogLevel.Information, unsupported.Level);
        Assert.Null(unsupported.Exception);
        Assert.DoesNotContain("\n", unsupported.Message, StringComparison.Ordinal);
        var detail = Assert.Single(host.Logs.WithEvent(58));
        Assert.Equal(LogLevel.Debug, detail.Level);
        Assert.IsType<ArgumentException>(detail.Exception);
        Assert.Empty(host.Logs.Problems);
    }

    [Fact]
    public async Task A_failed_startup_fails_host_start_with_the_apps_message_and_serves_nothing()
    {
        var failure = await Assert.ThrowsAsync<AsgiLifespanException>(() => KestrelTestHost.StartAsync(static async (scope, receive, send) =>
        {
            await receive();
            await send(new LifespanStartupFailed("the database is unreachable"));
        }));

        Assert.Contains("the database is unreachable", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shutdown_answered_at_once_after_a_drain_longer_than_the_shutdown_timeout_is_not_logged_as_timed_out()
    {
        var requestRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        KestrelTestHost host;
        await using (host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            if (scope is LifespanScope)
            {
                await receive();
                await send(LifespanStartupComplete.Instance);
                await receive();
                await send(LifespanShutdownComplete.Instance);
                return;
            }

            requestRunning.TrySetResult();
            Assert.IsType<HttpRequestBody>(await receive());
            Assert.IsType<HttpDisconnect>(await receive()); // the server is stopping
            await Task.Delay(TimeSpan.FromSeconds(1.5)); // a drain longer than the 1 s ShutdownTimeout (a duration, not a wait for a signal)
            await send(new HttpResponseStart(200));
            await send(new HttpResponseBody("late"u8.ToArray()));
        }, asgi: o => o.Lifespan.ShutdownTimeout = TimeSpan.FromSeconds(1)))
        {
            var pending = host.CreateClient(KestrelProtocol.Http1).GetAsync(new Uri("/", UriKind.Relative));
            await requestRunning.Task.WaitAsync(TimeSpan.FromSeconds(10));
            _ = pending.ContinueWith(static t => t.Exception, TaskScheduler.Default);
        }

        Assert.Single(host.Logs.WithEvent(47)); // lifespan shutdown complete
        Assert.Empty(host.Logs.WithEvent(49)); // not "did not answer lifespan.shutdown within 00:00:01"
    }
}
