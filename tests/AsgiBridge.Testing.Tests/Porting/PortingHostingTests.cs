using AsgiBridge.Lifespan;
using AsgiBridge.Messages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AsgiBridge.Testing.Tests.Porting;

/// <summary>The porting contract (issue 11) through the test client: lifespan (item 7) and misuse (item 8).</summary>
public sealed class PortingHostingTests
{
    [Fact]
    public async Task Item7_a_failed_startup_throws_the_apps_message_from_StartAsync()
    {
        var failure = await Assert.ThrowsAsync<AsgiLifespanException>(() => AsgiTestClient.StartAsync(static async (scope, receive, send) =>
        {
            await receive();
            await send(new LifespanStartupFailed("the database is unreachable"));
        }));

        Assert.Contains("the database is unreachable", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Item7_an_app_that_raises_on_the_lifespan_scope_runs_without_lifespan_and_serves_requests()
    {
        await using var client = await AsgiTestClient.StartAsync(static async (scope, receive, send) =>
        {
            if (scope is not HttpScope)
            {
                throw new ArgumentException($"Unknown scope type: {scope.Type}");
            }

            await send(new HttpResponseStart(200));
            await send(new HttpResponseBody("served"u8.ToArray()));
        });

        Assert.False(client.LifespanRunning);
        Assert.Null(client.State);
        Assert.Equal("served", (await client.GetAsync("/")).Text);
    }

    [Fact]
    public async Task Item8_UseAsgi_without_AddAsgi_throws_naming_AddAsgi()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        await using var app = builder.Build();

        var failure = Assert.Throws<InvalidOperationException>(() => app.UseAsgi(static (_, _, _) => Task.CompletedTask));

        Assert.Contains("AddAsgi()", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Item8_a_mount_beside_a_catch_all_UseAsgi_is_reached()
    {
        static AsgiApp Says(string who) => async (scope, receive, send) =>
        {
            if (scope is not HttpScope http)
            {
                throw new NotSupportedException(scope.Type);
            }

            await send(new HttpResponseStart(200));
            await send(new HttpResponseBody(System.Text.Encoding.UTF8.GetBytes($"{who} root_path={http.RootPath} path={http.Path}")));
        };
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddAsgi();
        await using var app = builder.Build();
        app.MapAsgi("/mnt", Says("a"));
        app.UseAsgi(Says("b"));
        await app.StartAsync();
        await using var client = AsgiTestClient.ForServer(app.GetTestServer());

        Assert.Equal("a root_path=/mnt path=/mnt/users", (await client.GetAsync("/mnt/users")).Text);
        Assert.Equal("b root_path= path=/other", (await client.GetAsync("/other")).Text);
    }
}
