using System.Net;
using System.Text;
using AsgiBridge.Messages;
using AsgiBridge.Toolkit;
using Microsoft.AspNetCore.Builder;
using AsgiBridge.TestInfrastructure.Kestrel;

namespace AsgiBridge.Toolkit.Tests.Routing;

public sealed class RouterHostingTests
{
    private static AsgiRouter UsersRouter() => new AsgiRouter()
        .MapGet("/users/{id:int}", async (scope, receive, send) =>
        {
            var http = (HttpScope)scope;
            var id = (int)http.PathParams["id"]!;
            await send(new HttpResponseStart(200, [new("content-type", "text/plain")]));
            await send(new HttpResponseBody(Encoding.UTF8.GetBytes($"id={id} root={http.RootPath} path={http.Path}")));
        })
        .MapGet("/docs/", Asgi.Text("docs"));

    [Fact]
    public async Task Router_behind_UseAsgi_on_TestServer()
    {
        await using var host = await TestHost.StartTestServerAsync(app => app.UseAsgi(pipeline => pipeline.Run(UsersRouter())));

        Assert.Equal("id=5 root= path=/users/5", await host.Client.GetStringAsync("/users/5"));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/users/five")).StatusCode);
        using var post = await host.Client.PostAsync("/users/5", new StringContent("x"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal("GET, HEAD", string.Join(", ", post.Content.Headers.Allow));
    }

    [Fact]
    public async Task Router_behind_Map_branch_gets_the_path_base_as_root_path()
    {
        await using var host = await TestHost.StartTestServerAsync(app => app.Map("/api", branch => branch.UseAsgi(UsersRouter().App)));

        Assert.Equal("id=3 root=/api path=/api/users/3", await host.Client.GetStringAsync("/api/users/3"));
    }

    [Fact]
    public async Task Router_behind_MapAsgi_on_TestServer_matches_below_the_prefix()
    {
        await using var host = await TestHost.StartTestServerAsync(app => app.MapAsgi("/api", UsersRouter()));

        Assert.Equal("id=8 root=/api path=/api/users/8", await host.Client.GetStringAsync("/api/users/8"));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/api/nothing")).StatusCode);
    }

    [Fact]
    public async Task Router_behind_MapAsgi_on_Kestrel_redirects_with_the_full_path()
    {
        await using var host = await KestrelTestHost.StartAsync(app => app.MapAsgi("/api", new AsgiRouter().Mount("/v1", UsersRouter())), KestrelTestHost.LifespanOff);
        var client = host.CreateClient(KestrelProtocol.Http1, handler => handler.AllowAutoRedirect = true);

        Assert.Equal("id=21 root=/api/v1 path=/api/v1/users/21", await client.GetStringAsync("/api/v1/users/21"));

        using var redirect = await host.CreateClient(KestrelProtocol.Http1).GetAsync("/api/v1/docs?x=1");
        Assert.Equal(HttpStatusCode.TemporaryRedirect, redirect.StatusCode);
        Assert.Equal("/api/v1/docs/?x=1", redirect.Headers.Location!.OriginalString);
        Assert.Equal("docs", await client.GetStringAsync("/api/v1/docs?x=1"));
    }
}
