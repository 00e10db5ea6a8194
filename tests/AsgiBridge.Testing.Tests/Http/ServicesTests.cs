using AsgiBridge.Composition;
using AsgiBridge.Messages;
using AsgiBridge.Toolkit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AsgiBridge.Testing.Tests.Http;

/// <summary>Pipelines that need the host's services: <c>StartAsync(app, services =&gt; …)</c>, pipeline builders, ASP.NET Core middleware.</summary>
public sealed class ServicesTests
{
    private sealed class Greeter
    {
        public string Salutation { get; init; } = "hello";

        public string Greet(string name) => $"{Salutation} {name}";
    }

    private sealed class GreetingMiddleware(Greeter greeter) : IAsgiMiddleware
    {
        public Task InvokeAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send, AsgiApp nextApp) =>
            scope is HttpScope ? TestApps.SendText(send, 200, greeter.Greet("middleware")) : nextApp(scope, receive, send);
    }

    [Fact]
    public async Task Services_registered_for_the_test_reach_the_pipeline()
    {
        await using var client = await AsgiTestClient.StartAsync(
            pipeline => pipeline.Use<GreetingMiddleware>().Run((scope, receive, send) => Task.CompletedTask),
            services => services.AddSingleton<Greeter>());

        var response = await client.GetAsync("/");

        Assert.Equal("hello middleware", response.Text);
        Assert.NotNull(client.Services.GetService<Greeter>());
    }

    [Fact]
    public async Task Background_tasks_need_their_services_and_run_after_the_response()
    {
        var ran = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = await AsgiTestClient.StartAsync(
            pipeline => pipeline.UseBackgroundTasks().Run(TestApps.Http(async (scope, receive, send) =>
            {
                ((AsgiBackgroundScheduler)scope[BackgroundTasksMiddleware.ScopeKey]!)(async _ =>
                {
                    await Task.Yield();
                    ran.SetResult();
                });
                await TestApps.SendText(send, 200, "queued");
            })),
            services => services.AddAsgiBackgroundTasks());

        var response = await client.GetAsync("/signup");

        Assert.Equal("queued", response.Text);
        await ran.Task.WaitAsync(TestApps.Timeout); // the tracker (a service) runs the work once the response is sent
    }

    [Fact]
    public async Task AspNetCore_middleware_runs_in_front_of_the_application()
    {
        var options = new AsgiTestClientOptions
        {
            ConfigureApp = app => app.Use(async (context, next) =>
            {
                context.Response.Headers["x-from-aspnetcore"] = "yes";
                await next(context);
            }),
        };
        await using var client = await AsgiTestClient.StartAsync(TestApps.Http((scope, receive, send) => TestApps.SendText(send, 200, "ok")), options);

        var response = await client.GetAsync("/");

        Assert.Equal("yes", response.GetHeader("x-from-aspnetcore"));
    }

    [Fact]
    public async Task Bridge_options_map_onto_AsgiOptions()
    {
        var options = new AsgiTestClientOptions { RaiseServerExceptions = false, ConfigureBridge = bridge => bridge.InternalServerErrorBody = "custom failure" };
        await using var client = new AsgiTestClient((scope, receive, send) => throw new InvalidOperationException("boom"), options);

        var response = await client.GetAsync("/");

        Assert.Equal(500, response.Status);
        Assert.Equal("custom failure", response.Text);
        var outcome = await response.WaitForOutcomeAsync();
        Assert.Equal("boom", outcome.Exception!.Message);
        Assert.Equal(500, outcome.ErrorStatusCode);
    }
}
