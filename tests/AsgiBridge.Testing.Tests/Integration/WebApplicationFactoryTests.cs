using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AsgiBridge.Testing.Tests.Integration;

/// <summary>
/// The README's second pattern: an ASP.NET Core project that calls UseAsgi is tested through
/// <see cref="WebApplicationFactory{TEntryPoint}"/>, the same way as any ASP.NET Core app.
/// </summary>
[Collection(nameof(AsgiBridge.Testing.Tests.Integration.WebApplicationFactoryGroup))]
public sealed class WebApplicationFactoryTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Fact]
    public async Task Http_routes_are_served_by_the_factory_host()
    {
        using var client = factory.CreateClient();

        using var hello = await client.GetAsync("/");
        using var echo = await client.PostAsync("/echo", AsgiContent.Text("round trip"));

        Assert.Equal(HttpStatusCode.OK, hello.StatusCode);
        Assert.Equal("Hello, world!", await hello.Content.ReadAsStringAsync());
        Assert.Equal("round trip", await echo.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_example_app_behaves_the_same_in_process()
    {
        await using var client = new AsgiTestClient(HelloApp.Run);

        var hello = await client.GetAsync("/");
        var echo = await client.PostAsync("/echo", AsgiContent.Text("round trip"));

        Assert.Equal("Hello, world!", hello.Text);
        Assert.Equal("13", hello.GetHeader("content-length"));
        Assert.Equal("round trip", echo.Text);
    }
}
