using AsgiBridge.Composition;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Logging;
using AsgiBridge.Toolkit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Toolkit.Tests.Middleware;

public sealed class BackgroundTasksMiddlewareTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static AsgiBackgroundTaskTracker Tracker(TestLogSink sink, TimeSpan? shutdownTimeout = null) =>
        new(new AsgiBackgroundTaskOptions { ShutdownTimeout = shutdownTimeout ?? TimeSpan.FromSeconds(30) }, sink.Logger(AsgiBackgroundTaskTracker.LoggerCategory));

    private static TaskCompletionSource Signal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Fact]
    public async Task Scheduled_work_runs_only_after_the_response_was_sent_and_the_app_returned()
    {
        var sink = new TestLogSink();
        using var tracker = Tracker(sink);
        var scheduled = Signal();
        var release = Signal();
        var workRan = Signal();
        var sentWhenWorkRan = -1;
        await using var communicator = Asgi.Start(MiddlewareScopes.Http("/signup", "POST"), client =>
            new AsgiPipelineBuilder().UseBackgroundTasks(tracker).Run(async (scope, receive, send) =>
            {
                BackgroundTasksMiddleware.GetScheduler(scope)(_ =>
                {
                    sentWhenWorkRan = client.GetOutput().Count;
                    workRan.SetResult();
                    return Task.CompletedTask;
                });
                await send(new HttpResponseStart(202));
                await send(new HttpResponseBody("queued"u8.ToArray()));
                scheduled.SetResult();
                await release.Task;
            }).Build());
        await communicator.SendInputAsync(HttpRequestBody.Empty);
        await scheduled.Task.WaitAsync(Timeout);

        // The application has not returned yet: nothing may have been handed to the tracker.
        Assert.Equal(0, tracker.RunningCount);
        Assert.False(workRan.Task.IsCompleted);

        release.SetResult();
        await communicator.WaitAsync(Timeout);
        await workRan.Task.WaitAsync(Timeout);
        Assert.Equal(2, sentWhenWorkRan);
    }

    [Fact]
    public async Task The_scheduler_lives_in_a_copy_of_the_scope()
    {
        using var tracker = Tracker(new TestLogSink());
        AsgiScope? seen = null;
        var upstream = MiddlewareScopes.Http();
        var app = new AsgiPipelineBuilder().UseBackgroundTasks(tracker).Run(MiddlewareScopes.Ok(s => seen = s)).Build();

        await Asgi.RunAsync(app, upstream, HttpRequestBody.Empty);

        Assert.NotSame(upstream, seen);
        Assert.IsType<AsgiBackgroundScheduler>(seen!["background"]);
        Assert.False(upstream.ContainsKey("background"));
        Assert.Throws<InvalidOperationException>(() => BackgroundTasksMiddleware.GetScheduler(upstream));
    }

    [Fact]
    public async Task A_failing_task_is_logged_and_does_not_affect_the_response()
    {
        var sink = new TestLogSink();
        using var tracker = Tracker(sink);
        var app = new AsgiPipelineBuilder().UseBackgroundTasks(tracker).Run(async (scope, receive, send) =>
        {
            BackgroundTasksMiddleware.GetScheduler(scope)(_ => throw new InvalidOperationException("mail server down"));
            BackgroundTasksMiddleware.GetScheduler(scope)(async _ =>
            {
                await Task.Yield();
                throw new TimeoutException("slow mail server");
            });
            await MiddlewareScopes.Ok()(scope, receive, send);
        }).Build();

        var sent = await Asgi.RunAsync(app, MiddlewareScopes.Http(), HttpRequestBody.Empty);
        await tracker.WhenIdleAsync().WaitAsync(Timeout);

        Assert.Equal(200, sent.Start()!.Status);
        var failures = sink.WithEvent(67).ToList();
        Assert.Equal(2, failures.Count);
        Assert.All(failures, f => Assert.Equal(LogLevel.Error, f.Level));
        Assert.Contains(failures, f => f.Exception is InvalidOperationException { Message: "mail server down" });
        Assert.Contains(failures, f => f.Exception is TimeoutException);
    }

    [Fact]
    public async Task Work_of_a_failed_application_is_dropped_and_the_drop_logged()
    {
        var sink = new TestLogSink();
        using var tracker = Tracker(sink);
        var ran = false;
        var app = new AsgiPipelineBuilder().UseBackgroundTasks(tracker).Run((scope, receive, send) =>
        {
            BackgroundTasksMiddleware.GetScheduler(scope)(_ =>
            {
                ran = true;
                return Task.CompletedTask;
            });
            throw new InvalidOperationException("handler failed");
        }).Build();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Asgi.RunAsync(app, MiddlewareScopes.Http("/signup"), HttpRequestBody.Empty));
        await tracker.WhenIdleAsync().WaitAsync(Timeout);

        Assert.False(ran);
        var dropped = Assert.Single(sink.WithEvent(69));
        Assert.Equal(1, dropped.Values["Count"]);
        Assert.Equal("/signup", dropped.Values["Path"]);
    }

    [Fact]
    public async Task Shutdown_waits_for_running_tasks()
    {
        using var tracker = Tracker(new TestLogSink());
        var started = Signal();
        var release = Signal();
        var tokenCancelled = false;
        tracker.Run(async token =>
        {
            started.SetResult();
            await release.Task;
            tokenCancelled = token.IsCancellationRequested;
        });
        await started.Task.WaitAsync(Timeout);

        var stopping = tracker.StopAsync(CancellationToken.None);

        Assert.False(stopping.IsCompleted);
        Assert.Equal(1, tracker.RunningCount);
        release.SetResult();
        await stopping.WaitAsync(Timeout);
        Assert.Equal(0, tracker.RunningCount);
        Assert.False(tokenCancelled);
    }

    [Fact]
    public async Task Shutdown_gives_up_after_the_timeout_and_cancels_the_tasks_token()
    {
        var sink = new TestLogSink();
        using var tracker = Tracker(sink, TimeSpan.FromMilliseconds(200));
        var started = Signal();
        var cancelled = Signal();
        tracker.Run(async token =>
        {
            started.SetResult();
            try
            {
                await Task.Delay(System.Threading.Timeout.Infinite, token);
            }
            finally
            {
                cancelled.SetResult();
            }
        });
        await started.Task.WaitAsync(Timeout);

        await tracker.StopAsync(CancellationToken.None).WaitAsync(Timeout);

        await cancelled.Task.WaitAsync(Timeout);
        var warning = Assert.Single(sink.WithEvent(68));
        Assert.Equal(1, warning.Values["Count"]);
        await tracker.WhenIdleAsync().WaitAsync(Timeout);
        Assert.Single(sink.WithEvent(70));
        Assert.Empty(sink.WithEvent(67));
    }

    [Fact]
    public async Task Shutdown_stops_waiting_when_the_host_token_fires()
    {
        using var tracker = Tracker(new TestLogSink(), TimeSpan.FromMinutes(5));
        var started = Signal();
        var cancelled = Signal();
        tracker.Run(async token =>
        {
            started.SetResult();
            await Task.Delay(System.Threading.Timeout.Infinite, token).ContinueWith(_ => cancelled.SetResult(), TaskScheduler.Default);
        });
        await started.Task.WaitAsync(Timeout);
        using var hostGivesUp = new CancellationTokenSource();

        var stopping = tracker.StopAsync(hostGivesUp.Token);
        Assert.False(stopping.IsCompleted);
        await hostGivesUp.CancelAsync();

        await stopping.WaitAsync(Timeout);
        await cancelled.Task.WaitAsync(Timeout);
    }

    [Fact]
    public async Task AddAsgiBackgroundTasks_registers_one_tracker_as_a_hosted_service_that_the_host_waits_for()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddAsgi();
        builder.Services.AddAsgiBackgroundTasks(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
        builder.Services.AddAsgiBackgroundTasks();
        var app = builder.Build();
        var release = Signal();
        var started = Signal();
        var finished = false;
        app.UseAsgi(pipeline => pipeline.UseBackgroundTasks().Run(async (scope, receive, send) =>
        {
            BackgroundTasksMiddleware.GetScheduler(scope)(async _ =>
            {
                started.SetResult();
                await release.Task;
                finished = true;
            });
            await MiddlewareScopes.Ok()(scope, receive, send);
        }));
        await app.StartAsync();
        var tracker = app.Services.GetRequiredService<AsgiBackgroundTaskTracker>();
        Assert.Single(app.Services.GetServices<IHostedService>(), s => ReferenceEquals(s, tracker));

        using (var client = app.GetTestClient())
        {
            using var response = await client.GetAsync("/");
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }

        await started.Task.WaitAsync(Timeout);
        var stopping = app.StopAsync();
        Assert.False(stopping.IsCompleted);
        release.SetResult();
        await stopping.WaitAsync(Timeout);
        Assert.True(finished);
        await app.DisposeAsync();
    }

    [Fact]
    public void UseBackgroundTasks_without_the_services_explains_what_is_missing()
    {
        var pipeline = new AsgiPipelineBuilder();
        var error = Assert.Throws<InvalidOperationException>(() => pipeline.UseBackgroundTasks());
        Assert.Contains("AddAsgiBackgroundTasks", error.Message, StringComparison.Ordinal);
    }
}
