using System.Security.Claims;
using AsgiBridge.Composition;
using AsgiBridge.Messages;
using AsgiBridge.Testing;
using AsgiBridge.TestInfrastructure.Logging;
using AsgiBridge.Toolkit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Toolkit.Tests.Middleware;

/// <summary>
/// Issue 10.1 and 13.4 through the real bridge: protection is decided by the rules routing uses (any letter case, whole
/// segments, normalised paths, HTTP and WebSocket alike), routes and mounts can carry the requirement themselves, and the
/// refusal (reason, body, close code, log) is configurable.
/// </summary>
public sealed class BearerRouteProtectionTests
{
    private const string Secret = "a-shared-secret-for-the-route-protection-tests";

    private static AsgiRouter Routes()
    {
        var router = new AsgiRouter();
        router.MapGet("/api/me", request => new TextResponse("me:" + ((ClaimsPrincipal)request.Scope["user"]!).FindFirst("sub")!.Value));
        router.MapGet("/apiary", _ => new TextResponse("bees"));
        router.MapWebSocket("/api/echo", async socket =>
        {
            await socket.AcceptAsync();
            await socket.SendTextAsync("hello");
        });
        return router;
    }

    /// <summary>Records the close codes the application sends (a refused handshake shows the client only a 403).</summary>
    private static AsgiPipelineBuilder Spy(AsgiPipelineBuilder pipeline, List<int> closes) =>
        pipeline.Use(next => (scope, receive, send) => next(scope, receive, message =>
        {
            if (message is WebSocketClose close)
            {
                lock (closes)
                {
                    closes.Add(close.Code);
                }
            }

            return send(message);
        }));

    private static AsgiRequestOptions Bearer(string token) => new() { Headers = { ("authorization", "Bearer " + token) } };

    [Theory]
    [InlineData("/api/me")]
    [InlineData("/API/me")]
    [InlineData("/Api/ME")]
    [InlineData("/api/me/")]
    [InlineData("/api//me")]
    public async Task Every_spelling_of_a_protected_path_is_refused_without_a_token(string path)
    {
        await using var client = await AsgiTestClient.StartAsync(p => p.UseBearerAuthentication(Secret, "/api").Run(Routes()));

        var response = await client.GetAsync(path);

        Assert.Equal(401, response.Status);
        Assert.Equal("{\"detail\":\"Not authenticated\"}", response.Text);
    }

    [Fact]
    public async Task A_prefix_covers_whole_segments_only_and_a_valid_token_passes_in_any_case()
    {
        await using var client = await AsgiTestClient.StartAsync(p => p.UseBearerAuthentication(Secret, "/api").Run(Routes()));
        var token = BearerAuthenticationTokens.CreateHs256(Secret, "alice");

        Assert.Equal("bees", (await client.GetAsync("/apiary")).Text);
        Assert.Equal("me:alice", (await client.GetAsync("/API/me", Bearer(token))).Text);
    }

    [Theory]
    [InlineData("/api/echo")]
    [InlineData("/API/echo")]
    public async Task A_WebSocket_to_a_protected_path_is_refused_in_any_case(string path)
    {
        var closes = new List<int>();
        await using var client = await AsgiTestClient.StartAsync(p => Spy(p, closes).UseBearerAuthentication(Secret, "/api").Run(Routes()));

        var denied = await Assert.ThrowsAsync<AsgiWebSocketDeniedException>(() => client.ConnectWebSocketAsync(path));

        Assert.Equal(403, denied.Status);
        Assert.Equal([1008], closes);
    }

    [Fact]
    public async Task The_seed_helper_accepts_a_token_in_the_query_for_WebSockets()
    {
        await using var client = await AsgiTestClient.StartAsync(p => p.UseBearerAuthentication(Secret, "/api").Run(Routes()));

        await using var socket = await client.ConnectWebSocketAsync("/API/echo?token=" + BearerAuthenticationTokens.CreateHs256(Secret, "bob"));

        Assert.Equal("hello", await socket.ReceiveTextAsync());
    }

    [Fact]
    public async Task Routes_and_mounts_carry_their_requirement_when_the_middleware_only_authenticates()
    {
        var api = new AsgiRouter().RequireAuthentication();
        api.MapGet("/me", request => new TextResponse("me:" + ((ClaimsPrincipal)request.Scope["user"]!).FindFirst("sub")!.Value));
        var router = new AsgiRouter();
        router.Mount("/api", api);
        router.Add(new HttpRoute("/admin", ((AsgiResponse)new TextResponse("admin")).ToApp(), ["GET"]).RequireAuthentication());
        router.MapGet("/public", _ => new TextResponse("public"));
        await using var client = await AsgiTestClient.StartAsync(p => p.UseBearerAuthentication(options =>
        {
            options.TokenValidationParameters = BearerAuthenticationOptions.SharedSecret(Secret);
            options.AuthenticateOnly = true;
        }).Run(router));
        var token = BearerAuthenticationTokens.CreateHs256(Secret, "carol");
        var expired = BearerAuthenticationTokens.CreateHs256(Secret, "carol", TimeSpan.FromMinutes(-10));

        Assert.Equal("public", (await client.GetAsync("/public")).Text);
        Assert.Equal(401, (await client.GetAsync("/ADMIN")).Status);
        Assert.Equal(401, (await client.GetAsync("/api/me")).Status);
        Assert.Equal(401, (await client.GetAsync("/api/not-a-route")).Status);   // a protected router refuses before routing
        Assert.Equal("{\"detail\":\"Token expired\"}", (await client.GetAsync("/api/me", Bearer(expired))).Text);
        Assert.Equal("me:carol", (await client.GetAsync("/api/me", Bearer(token))).Text);
        Assert.Equal("admin", (await client.GetAsync("/admin", Bearer(token))).Text);
    }

    [Fact]
    public async Task A_required_route_without_any_authentication_middleware_refuses_with_the_default()
    {
        var router = new AsgiRouter();
        router.Add(new WebSocketRoute("/ws", (_, _, _) => throw new InvalidOperationException("must not run")).RequireAuthentication());
        router.Add(new HttpRoute("/x", (_, _, _) => throw new InvalidOperationException("must not run")).RequireAuthentication());
        var closes = new List<int>();
        await using var client = await AsgiTestClient.StartAsync(p => Spy(p, closes).Run(router));

        var response = await client.GetAsync("/x");
        await Assert.ThrowsAsync<AsgiWebSocketDeniedException>(() => client.ConnectWebSocketAsync("/ws"));

        Assert.Equal(401, response.Status);
        Assert.Equal("Bearer", response.GetHeader("www-authenticate"));
        Assert.Equal([1008], closes);
    }

    [Fact]
    public async Task The_401_body_the_close_code_and_the_log_level_of_refusals_are_configurable()
    {
        var logs = new TestLogSink();
        var closes = new List<int>();
        await using var client = await AsgiTestClient.StartAsync(
            p => Spy(p, closes).UseBearerAuthentication(options =>
            {
                options.TokenValidationParameters = BearerAuthenticationOptions.SharedSecret(Secret);
                options.UnauthorizedResponse = _ => JsonResponse.FromUtf8("{\"error\": \"Unauthorized\"}"u8.ToArray(), 401);
                options.WebSocketCloseCode = 4401;
                options.RefusalLogLevel = LogLevel.Warning;
            }).Run(Routes()),
            services => services.AddLogging(logging => logging.AddProvider(logs)));

        var response = await client.GetAsync("/api/me", Bearer(BearerAuthenticationTokens.CreateHs256(Secret[..^1] + "!", "mallory")));
        await Assert.ThrowsAsync<AsgiWebSocketDeniedException>(() => client.ConnectWebSocketAsync("/api/echo"));

        Assert.Equal(401, response.Status);
        Assert.Equal("{\"error\": \"Unauthorized\"}", response.Text);
        Assert.StartsWith("Bearer error=\"invalid_token\"", response.GetHeader("www-authenticate"), StringComparison.Ordinal);
        Assert.Equal([4401], closes);
        var refusals = logs.WithEvent(80);
        Assert.Equal(2, refusals.Count);
        Assert.All(refusals, e => Assert.Equal(LogLevel.Warning, e.Level));
        Assert.Contains("Invalid token", refusals[0].Message, StringComparison.Ordinal);
        Assert.NotNull(refusals[0].Exception);   // why the token failed (its signature), for the operator
        Assert.Contains("Not authenticated", refusals[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SharedSecret_checks_issuer_and_audience_only_when_given()
    {
        var anyIssuer = new BearerAuthenticationOptions { TokenValidationParameters = BearerAuthenticationOptions.SharedSecret(Secret) };
        var strict = new BearerAuthenticationOptions { TokenValidationParameters = BearerAuthenticationOptions.SharedSecret(Secret, issuer: "me", audience: "api") };
        var app = (BearerAuthenticationOptions options) => new AsgiPipelineBuilder().UseBearerAuthentication(options).Run(Routes()).Build();
        await using var loose = await AsgiTestClient.StartAsync(app(anyIssuer));
        await using var tight = await AsgiTestClient.StartAsync(app(strict));
        var plain = BearerAuthenticationTokens.CreateHs256(Secret, "dan");
        var stamped = BearerAuthenticationTokens.CreateHs256(Secret, "dan", issuer: "me", audience: "api");

        Assert.Equal(200, (await loose.GetAsync("/api/me", Bearer(plain))).Status);
        Assert.Equal(200, (await loose.GetAsync("/api/me", Bearer(stamped))).Status);
        Assert.Equal(401, (await tight.GetAsync("/api/me", Bearer(plain))).Status);
        Assert.Equal(200, (await tight.GetAsync("/api/me", Bearer(stamped))).Status);
        Assert.Throws<ArgumentException>(() => BearerAuthenticationOptions.SharedSecret("short"));
        Assert.Throws<ArgumentException>(() => BearerAuthenticationTokens.CreateHs256("short", "x"));
    }
}
