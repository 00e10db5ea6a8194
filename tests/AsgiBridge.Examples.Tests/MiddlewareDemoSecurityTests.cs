using System.Net;
using System.Text.Json;
using AsgiBridge.Composition;
using AsgiBridge.Testing;
using AsgiBridge.Toolkit;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AsgiBridge.Examples.Tests;

/// <summary>
/// Issue 10.1 on the middleware demo: no spelling of a protected path reaches its handler without a token, over HTTP or
/// WebSocket; the demo's route requirement refuses even with the middleware's prefix removed.
/// </summary>
[Collection(nameof(WebApplicationFactoryGroup))]
public sealed class MiddlewareDemoSecurityTests : IDisposable
{
    private readonly WebApplicationFactory<MiddlewareDemo.Program> _factory = new();

    public void Dispose() => _factory.Dispose();

    [Theory]
    [InlineData("/API/me")]
    [InlineData("/Api/Me")]
    [InlineData("/api/me/")]
    public async Task A_protected_path_in_any_spelling_gets_401_without_a_token(string path)
    {
        using var client = _factory.CreateClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Not authenticated", json.RootElement.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("/API/echo")]
    [InlineData("/api/ECHO")]
    public async Task A_WebSocket_to_a_protected_path_in_any_spelling_is_refused_without_a_token(string path)
    {
        await using var client = _factory.CreateAsgiClient(new AsgiTestClientOptions { RaiseServerExceptions = false });

        var denied = await Assert.ThrowsAsync<AsgiWebSocketDeniedException>(() => client.ConnectWebSocketAsync(path));

        Assert.Equal(403, denied.Status);
    }

    [Fact]
    public async Task The_routes_refuse_by_themselves_when_the_middleware_protects_no_prefix()
    {
        // The demo's services and routes, with bearer authentication that only authenticates: the /api router's own
        // requirement is what refuses.
        await using var client = await AsgiTestClient.StartAsync(
            pipeline =>
            {
                var settings = (MiddlewareDemo.DemoSettings)pipeline.Services.GetService(typeof(MiddlewareDemo.DemoSettings))!;
                var routes = new MiddlewareDemo.DemoRoutes(
                    (MiddlewareDemo.TokenIssuer)pipeline.Services.GetService(typeof(MiddlewareDemo.TokenIssuer))!,
                    (MiddlewareDemo.WelcomeMailer)pipeline.Services.GetService(typeof(MiddlewareDemo.WelcomeMailer))!);
                pipeline.UseBearerAuthentication(options =>
                {
                    options.TokenValidationParameters = BearerAuthenticationOptions.Hs256(settings.SigningKey, settings.Issuer, settings.Audience);
                    options.AuthenticateOnly = true;
                }).UseBackgroundTasks().Run(routes.Build());
            },
            services =>
            {
                services.AddLogging();
                services.AddSingleton(_ => MiddlewareDemo.DemoSettings.From(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()));
                services.AddSingleton<MiddlewareDemo.TokenIssuer>();
                services.AddSingleton<MiddlewareDemo.WelcomeMailer>();
                services.AddAsgiBackgroundTasks();
            });

        var refused = await client.GetAsync("/API/me");
        var token = client.Services.GetService(typeof(MiddlewareDemo.TokenIssuer)) is MiddlewareDemo.TokenIssuer issuer ? issuer.Issue("erin", TimeSpan.FromMinutes(5)) : null;
        var accepted = await client.GetAsync("/API/me", new() { Headers = { ("authorization", "Bearer " + token) } });

        Assert.Equal(401, refused.Status);
        Assert.Equal(200, accepted.Status);
        Assert.Equal("erin", accepted.Json().GetProperty("user").GetString());
    }
}
