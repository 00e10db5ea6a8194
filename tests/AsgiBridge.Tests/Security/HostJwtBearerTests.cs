using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.Toolkit;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TestApps = AsgiBridge.Tests.Infrastructure.AsgiTestApps;

namespace AsgiBridge.Tests.Security;

/// <summary>
/// Issue 13.4: ASP.NET Core's own JwtBearer authenticates the request, and the bearer middleware with
/// <see cref="BearerAuthenticationOptions.UseHostAuthentication"/> puts <c>HttpContext.User</c> into <c>scope["user"]</c>,
/// for HTTP and WebSocket alike; a route marked with <c>RequireAuthentication()</c> refuses what JwtBearer did not accept.
/// </summary>
public sealed class HostJwtBearerTests
{
    private const string Secret = "a-shared-secret-that-is-long-enough-for-hs256";

    private static Task<KestrelTestHost> StartAsync() => KestrelTestHost.StartAsync(
        app =>
        {
            app.UseAuthentication();
            app.UseAsgi(pipeline =>
            {
                var router = new AsgiRouter();
                router.Add(new HttpRoute("/me", async (scope, receive, send) =>
                {
                    var user = (ClaimsPrincipal)scope["user"]!;
                    await TestApps.SendTextAsync(send, 200, "user=" + (user.FindFirst("sub") ?? user.FindFirst(ClaimTypes.NameIdentifier))!.Value);
                }).RequireAuthentication());
                pipeline.UseBearerAuthentication(options =>
                {
                    options.UseHostAuthentication = true;
                    options.AuthenticateOnly = true;
                }).Run(router);
            });
        },
        services: services => services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options => options.TokenValidationParameters = BearerAuthenticationOptions.SharedSecret(Secret)));

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task The_host_principal_fills_scope_user(KestrelProtocol protocol)
    {
        await using var host = await StartAsync();
        var client = host.CreateClient(protocol);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BearerAuthenticationTokens.CreateHs256(Secret, "alice"));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("user=alice", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_token_JwtBearer_refuses_gets_the_bridge_refusal()
    {
        await using var host = await StartAsync();
        var client = host.CreateClient(KestrelProtocol.Http1);
        using var expired = new HttpRequestMessage(HttpMethod.Get, "/me");
        expired.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BearerAuthenticationTokens.CreateHs256(Secret, "alice", TimeSpan.FromMinutes(-5)));
        using var none = new HttpRequestMessage(HttpMethod.Get, "/me");

        using var expiredResponse = await client.SendAsync(expired);
        using var noneResponse = await client.SendAsync(none);

        Assert.Equal(HttpStatusCode.Unauthorized, expiredResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, noneResponse.StatusCode);
        Assert.Equal("{\"detail\":\"Not authenticated\"}", await noneResponse.Content.ReadAsStringAsync());
        Assert.Equal("Bearer", Assert.Single(noneResponse.Headers.WwwAuthenticate).Scheme);
    }
}
