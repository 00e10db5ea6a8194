using AsgiBridge.Composition;
using AsgiBridge.Testing;

namespace AsgiBridge.Toolkit.Tests.Responses;

/// <summary>Responses are ASGI applications, as in starlette: <c>await response(scope, receive, send)</c>.</summary>
public sealed class ResponseAsAppTests
{
    [Fact]
    public async Task InvokeAsync_is_the_starlette_call()
    {
        // Seed 001: response = PlainTextResponse('Hello, world!'); await response(scope, receive, send)
        await using var client = await AsgiTestClient.StartAsync(async (scope, receive, send) =>
        {
            var response = new TextResponse("Hello, world!");
            await response.InvokeAsync(scope, receive, send);
        });

        var answer = await client.GetAsync("/");

        Assert.Equal(200, answer.Status);
        Assert.Equal("Hello, world!", answer.Text);
        Assert.Equal("text/plain; charset=utf-8", answer.GetHeader("content-type"));
    }

    [Fact]
    public async Task A_response_converts_to_an_app_and_mounts_as_a_class_based_app()
    {
        AsgiApp app = new HtmlResponse("<h1>Home Page</h1>");
        await using var client = await AsgiTestClient.StartAsync(app);
        await using var objectClient = await AsgiTestClient.StartAsync(AsgiApps.FromObject(JsonResponse.FromUtf8("{\"message\":\"API Response\"}"u8.ToArray())));

        Assert.Equal("<h1>Home Page</h1>", (await client.GetAsync("/anything")).Text);
        var json = await objectClient.GetAsync("/api");
        Assert.Equal("API Response", json.Json().GetProperty("message").GetString());
    }

    [Fact]
    public async Task Background_tasks_run_when_the_response_is_called_as_an_app()
    {
        var ran = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var response = new TextResponse("queued");
        response.AddBackgroundTask(() =>
        {
            ran.SetResult();
            return Task.CompletedTask;
        });
        AsgiApp app = response;
        await using var client = await AsgiTestClient.StartAsync(app);

        Assert.Equal("queued", (await client.GetAsync("/")).Text);
        await ran.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
