using AsgiBridge.Composition;
using AsgiBridge.Messages;
using AsgiBridge.Testing;
using AsgiBridge.Toolkit;

namespace AsgiBridge.Toolkit.Tests.Routing;

/// <summary>Issue 13.3: synchronous endpoints and class-based applications map like the others.</summary>
public sealed class RouterEndpointShapesTests
{
    private sealed class Hello : IAsgiApplication
    {
        public Task InvokeAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send) =>
            new TextResponse("hello from a class, " + ((HttpScope)scope).Method).ExecuteAsync(scope, receive, send);
    }

    private sealed class PerConnection(AsgiScope scope) : IAsgiConnectionHandler
    {
        public async Task RunAsync(AsgiReceive receive, AsgiSend send)
        {
            await send(new HttpResponseStart(200, [new("content-type", "text/plain")]));
            await send(new HttpResponseBody(System.Text.Encoding.UTF8.GetBytes("handler for " + ((HttpScope)scope).Path)));
        }
    }

    [Fact]
    public async Task Synchronous_endpoints_answer_and_their_exceptions_become_500()
    {
        var router = new AsgiRouter()
            .MapGet("/sync/{name}", request => new TextResponse("hi " + request.PathParams["name"]))
            .MapPost("/sync", request => JsonResponse.FromUtf8("{}"u8.ToArray(), 201))
            .MapGet("/boom", AsgiResponse (_) => throw new InvalidOperationException("boom"));
        await using var client = await AsgiTestClient.StartAsync(router, new AsgiTestClientOptions { RaiseServerExceptions = false });

        Assert.Equal("hi ada", (await client.GetAsync("/sync/ada")).Text);
        Assert.Equal(201, (await client.PostAsync("/sync")).Status);
        var boom = await client.GetAsync("/boom");
        Assert.Equal(500, boom.Status);
        Assert.IsType<InvalidOperationException>((await boom.WaitForOutcomeAsync()).Exception);
    }

    [Fact]
    public async Task Class_based_and_per_connection_applications_map_directly()
    {
        var router = new AsgiRouter()
            .Map("/class", new Hello(), ["GET", "POST"])
            .Map("/handler/{**rest}", scope => new PerConnection(scope))
            .Mount("/mounted", new Hello());
        await using var client = await AsgiTestClient.StartAsync(router);

        Assert.Equal("hello from a class, POST", (await client.PostAsync("/class")).Text);
        Assert.Equal("handler for /handler/x/y", (await client.GetAsync("/handler/x/y")).Text);
        Assert.Equal("hello from a class, GET", (await client.GetAsync("/mounted/anything")).Text);
    }
}
