using AsgiBridge.Messages;
using AsgiBridge.Testing;
using AsgiBridge.Toolkit;
using Microsoft.AspNetCore.Builder;
using AsgiBridge.TestInfrastructure.Kestrel;

namespace AsgiBridge.Toolkit.Tests.Responses;

public sealed class BackgroundTaskTests
{
    [Fact]
    public async Task Background_tasks_run_in_order_after_the_whole_response_was_sent()
    {
        var log = new List<string>();
        await using var communicator = Asgi.Start(Asgi.Http("/"), client => new TextResponse("done")
            .AddBackgroundTask(async () =>
            {
                await Task.Yield();
                log.Add($"first after {client.GetOutput().Count} messages, complete={CapturedResponse.From(client.GetOutput()).Complete}");
            })
            .AddBackgroundTask(() =>
            {
                log.Add("second");
                return Task.CompletedTask;
            })
            .ExecuteAsync);
        await communicator.SendInputAsync(HttpRequestBody.Empty);

        await communicator.WaitAsync(Asgi.Timeout);

        Assert.Equal(["first after 2 messages, complete=True", "second"], log);
    }

    [Fact]
    public async Task Background_task_exception_propagates_after_the_response()
    {
        var response = new TextResponse("sent").AddBackgroundTask(() => throw new InvalidOperationException("mail server down"));
        await using var communicator = new AsgiCommunicator(response.ExecuteAsync, Asgi.Http("/"));
        await communicator.SendInputAsync(HttpRequestBody.Empty);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => communicator.WaitAsync(Asgi.Timeout));

        Assert.Equal("mail server down", error.Message);
        Assert.True(CapturedResponse.From(communicator.GetOutput()).Complete);
    }

    [Fact]
    public async Task Client_has_the_full_response_before_the_background_task_completes_on_Kestrel()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelTestHost.StartAsync((scope, receive, send) =>
            new TextResponse("welcome email queued")
                .AddBackgroundTask(async () =>
                {
                    started.SetResult();
                    await release.Task;
                    finished.SetResult();
                })
                .ExecuteAsync(scope, receive, send), KestrelTestHost.LifespanOff);

        var text = await host.CreateClient(KestrelProtocol.Http1).GetStringAsync("/signup").WaitAsync(Asgi.Timeout);

        Assert.Equal("welcome email queued", text);
        await started.Task.WaitAsync(Asgi.Timeout);
        Assert.False(finished.Task.IsCompleted);
        release.SetResult();
        await finished.Task.WaitAsync(Asgi.Timeout);
    }
}
