using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Kestrel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace AsgiBridge.Tests.Porting;

/// <summary>Issue 11.8 on real Kestrel: misuse fails loudly at startup, and a mount beside a catch-all works.</summary>
public sealed class PortingMisuseTests
{
    private static AsgiApp Says(string who) => async (scope, receive, send) =>
    {
        var http = (HttpScope)scope;
        await send(new HttpResponseStart(200, [new("content-type", "text/plain")]));
        await send(new HttpResponseBody(System.Text.Encoding.UTF8.GetBytes($"{who} root_path={http.RootPath} path={http.Path}")));
    };

    [Fact]
    public void UseAsgi_without_AddAsgi_throws_naming_AddAsgi()
    {
        var builder = WebApplication.CreateSlimBuilder();
        using var app = builder.Build();

        var failure = Assert.Throws<InvalidOperationException>(() => app.UseAsgi(Says("b")));

        Assert.Contains("AddAsgi()", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapAsgi_without_AddAsgi_fails_at_startup_naming_AddAsgi()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();

        var failure = await Record.ExceptionAsync(async () =>
        {
            app.MapAsgi("/mnt", Says("a"));
            await app.StartAsync();
            await app.StopAsync();
        });

        Assert.Contains("AddAsgi()", Assert.IsType<InvalidOperationException>(failure).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task A_mount_beside_a_catch_all_UseAsgi_is_reached(KestrelProtocol protocol)
    {
        await using var host = await KestrelTestHost.StartAsync(app =>
        {
            app.MapAsgi("/mnt", Says("a"));
            app.UseAsgi(Says("b"));
        });
        var client = host.CreateClient(protocol);

        Assert.Equal("a root_path=/mnt path=/mnt/users", await client.GetStringAsync(new Uri("/mnt/users", UriKind.Relative)));
        Assert.Equal("b root_path= path=/other", await client.GetStringAsync(new Uri("/other", UriKind.Relative)));
    }
}
