using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AsgiBridge.Tests;

[Collection(nameof(AsgiBridge.Tests.Infrastructure.WebApplicationFactoryGroup))]
public sealed class SmokeTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Fact]
    public async Task Hello_example_answers_through_the_bridge()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Hello, world!", await response.Content.ReadAsStringAsync());
        Assert.Equal(13, response.Content.Headers.ContentLength);
    }
}
