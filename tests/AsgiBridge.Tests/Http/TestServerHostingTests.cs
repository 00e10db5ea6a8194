using System.Net;
using System.Text.Json;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.WebSockets;
using AsgiBridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AsgiBridge.Tests.Http;

/// <summary>TestServer tier: HelloAsgi through WebApplicationFactory, and UseAsgi / MapAsgi / Map mounting.</summary>
[Collection(nameof(AsgiBridge.Tests.Infrastructure.WebApplicationFactoryGroup))]
public sealed class TestServerHostingTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Fact]
    public async Task Hello_example_scope_dump()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/scope?x=%20y");
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal("http", root.GetProperty("type").GetString());
        Assert.Equal("3.0", root.GetProperty("asgi").GetProperty("version").GetString());
        Assert.Equal("1.1", root.GetProperty("http_version").GetString());
        Assert.Equal("GET", root.GetProperty("method").GetString());
        Assert.Equal("/scope", root.GetProperty("path").GetString());
        Assert.Equal("x=%20y", root.GetProperty("query_string").GetString());
        Assert.Equal("host", root.GetProperty("headers")[0][0].GetString());
    }

    [Fact]
    public async Task Hello_example_echo_and_not_found()
    {
        using var client = factory.CreateClient();
        using var echo = await client.PostAsync("/echo", new StringContent("round trip"));
        Assert.Equal("round trip", await echo.Content.ReadAsStringAsync());
        using var missing = await client.GetAsync("/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [InlineData("/api", "/api", "/api")]
    [InlineData("/api/", "/api", "/api/")]
    [InlineData("/api/items/7?x=1", "/api", "/api/items/7")]
    [InlineData("/tenants/acme/orders", "/tenants/acme", "/tenants/acme/orders")]
    [InlineData("/tenants/acme", "/tenants/acme", "/tenants/acme")]
    [InlineData("/files/docs/readme.md", "/files", "/files/docs/readme.md")]
    public async Task MapAsgi_sets_root_path_to_the_matched_prefix_and_path_includes_it(string url, string rootPath, string path)
    {
        await using var app = await StartAsync(web =>
        {
            web.MapAsgi("/api", RootAndPath);
            web.MapAsgi("/tenants/{tenant}", RootAndPath);
            web.MapAsgi("/files/{**rest}", RootAndPath);
            web.MapGet("/other", () => "not asgi");
        });
        using var client = app.GetTestClient();
        Assert.Equal($"{rootPath}|{path}", await client.GetStringAsync(url));
        Assert.Equal("not asgi", await client.GetStringAsync("/other"));
        using var unmatched = await client.GetAsync("/apix");
        Assert.Equal(HttpStatusCode.NotFound, unmatched.StatusCode);
    }

    [Fact]
    public async Task MapAsgi_under_a_path_base_includes_it_in_root_path()
    {
        await using var app = await StartAsync(web =>
        {
            web.UsePathBase("/base");
            web.UseRouting();
            web.MapAsgi("/api", RootAndPath);
        });
        using var client = app.GetTestClient();
        Assert.Equal("/base/api|/base/api/x", await client.GetStringAsync("/base/api/x"));
    }

    [Fact]
    public async Task Map_branch_with_UseAsgi_uses_the_branch_as_root_path()
    {
        await using var app = await StartAsync(web =>
        {
            web.Map("/x", branch => branch.UseAsgi(RootAndPath));
            web.UseAsgi(RootAndPath);
        });
        using var client = app.GetTestClient();
        Assert.Equal("/x|/x/y/z", await client.GetStringAsync("/x/y/z"));
        Assert.Equal("/x|/x", await client.GetStringAsync("/x"));
        Assert.Equal("|/elsewhere", await client.GetStringAsync("/elsewhere"));
    }

    [Fact]
    public async Task MapAsgi_returns_a_convention_builder_that_applies_metadata()
    {
        await using var app = await StartAsync(web =>
        {
            web.MapAsgi("/api", RootAndPath).WithMetadata(new MarkerMetadata());
            web.Use(async (context, next) =>
            {
                context.Response.Headers["x-marker"] = context.GetEndpoint()?.Metadata.GetMetadata<MarkerMetadata>() is null ? "no" : "yes";
                await next(context);
            });
        });
        using var client = app.GetTestClient();
        using var response = await client.GetAsync("/api/a");
        Assert.Equal("yes", Assert.Single(response.Headers.GetValues("x-marker")));
    }

    [Fact]
    public async Task Options_from_AddAsgi_reach_the_bridge()
    {
        await using var app = await StartAsync(
            web => web.UseAsgi((_, _, _) => throw new InvalidOperationException("boom")),
            services => services.AddAsgi(options => options.InternalServerErrorBody = "custom failure"));
        using var response = await app.GetTestClient().GetAsync("/");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("custom failure", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Streaming_response_and_request_through_test_server()
    {
        await using var app = await StartAsync(web => web.UseAsgi(async (_, receive, send) =>
        {
            var body = AsgiTestApps.Concat(await AsgiTestApps.ReadAllAsync(receive));
            await send(new HttpResponseStart(200));
            foreach (var b in body)
            {
                await send(new HttpResponseBody(new[] { b }, moreBody: true));
            }

            await send(HttpResponseBody.Empty);
        }));
        using var response = await app.GetTestClient().PostAsync("/", new StringContent("stream"));
        Assert.Equal("stream", await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// TestServer offers a writable response-trailers feature on HTTP/1.1, so there (unlike Kestrel) a client that sent
    /// <c>TE: trailers</c> gets the extension advertised and the trailers delivered; without TE it does not.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Trailers_follow_the_server_feature_and_te_on_http11(bool sendTe)
    {
        await using var app = await StartAsync(web => web.UseAsgi(async (scope, _, send) =>
        {
            var advertised = scope.SupportsExtension(AsgiExtensionNames.Trailers);
            await send(new HttpResponseStart(200, trailers: advertised));
            await send(new HttpResponseBody(System.Text.Encoding.ASCII.GetBytes(advertised ? "yes" : "no")));
            if (advertised)
            {
                await send(new HttpResponseTrailers([new("x-trailer", "t")]));
            }
        }));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        if (sendTe)
        {
            request.Headers.TE.ParseAdd("trailers");
        }

        using var response = await app.GetTestClient().SendAsync(request);
        Assert.Equal(sendTe ? "yes" : "no", await response.Content.ReadAsStringAsync());
        Assert.Equal(sendTe, response.TrailingHeaders.Contains("x-trailer"));
    }

    private static async Task RootAndPath(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        var http = (HttpScope)scope;
        Assert.StartsWith(http.RootPath, http.Path, StringComparison.Ordinal);
        await AsgiTestApps.SendTextAsync(send, 200, $"{http.RootPath}|{http.Path}");
    }

    private static async Task<WebApplication> StartAsync(Action<WebApplication> configure, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        if (services is null)
        {
            builder.Services.AddAsgi();
        }
        else
        {
            services(builder.Services);
        }

        var app = builder.Build();
        configure(app);
        await app.StartAsync();
        return app;
    }

    private sealed class MarkerMetadata;
}
