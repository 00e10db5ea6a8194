using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using AsgiBridge.Composition;
using AsgiBridge.Messages;
using AsgiBridge.Toolkit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AsgiBridge.Toolkit.Tests.Middleware;

public sealed class BearerAuthenticationMiddlewareTests
{
    private static async Task<(IReadOnlyList<AsgiMessage> Sent, AsgiScope? Seen)> RunHttpAsync(BearerAuthenticationOptions options, HttpScope scope)
    {
        AsgiScope? seen = null;
        var app = new AsgiPipelineBuilder().UseBearerAuthentication(options).Run(MiddlewareScopes.Ok(s => seen = s)).Build();
        var sent = await Asgi.RunAsync(app, scope, HttpRequestBody.Empty);
        return (sent, seen);
    }

    private static string Detail(IReadOnlyList<AsgiMessage> sent)
    {
        using var json = JsonDocument.Parse(sent.BodyText());
        return json.RootElement.GetProperty("detail").GetString()!;
    }

    [Fact]
    public async Task Missing_token_on_a_protected_path_gets_401_json_with_a_bearer_challenge()
    {
        var (sent, seen) = await RunHttpAsync(TestTokens.Options("/api"), MiddlewareScopes.Http("/api/items"));

        Assert.Null(seen);
        var start = sent.Start()!;
        Assert.Equal(401, start.Status);
        Assert.Equal("application/json", start.Headers.GetFirst("content-type"));
        Assert.Equal("Bearer", start.Headers.GetFirst("www-authenticate"));
        Assert.Equal("Not authenticated", Detail(sent));
        Assert.Equal(sent.BodyText().Length.ToString(System.Globalization.CultureInfo.InvariantCulture), start.Headers.GetFirst("content-length"));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl")]
    public async Task Malformed_token_gets_401_invalid_token(string token)
    {
        var (sent, seen) = await RunHttpAsync(TestTokens.Options("/api"), MiddlewareScopes.Http("/api/items", headers: TestTokens.Bearer(token)));

        Assert.Null(seen);
        Assert.Equal(401, sent.Start()!.Status);
        Assert.Equal("Invalid token", Detail(sent));
        Assert.StartsWith("Bearer error=\"invalid_token\"", sent.Start()!.Headers.GetFirst("www-authenticate"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_signed_with_another_key_is_refused()
    {
        var token = TestTokens.Create(key: TestTokens.OtherKey);
        var (sent, seen) = await RunHttpAsync(TestTokens.Options(), MiddlewareScopes.Http("/x", headers: TestTokens.Bearer(token)));

        Assert.Null(seen);
        Assert.Equal(401, sent.Start()!.Status);
        Assert.Equal("Invalid token", Detail(sent));
    }

    [Fact]
    public async Task Token_for_another_audience_or_issuer_is_refused()
    {
        foreach (var token in new[] { TestTokens.Create(audience: "someone-else"), TestTokens.Create(issuer: "someone-else") })
        {
            var (sent, seen) = await RunHttpAsync(TestTokens.Options(), MiddlewareScopes.Http("/x", headers: TestTokens.Bearer(token)));
            Assert.Null(seen);
            Assert.Equal(401, sent.Start()!.Status);
        }
    }

    [Fact]
    public async Task Expired_token_gets_401_token_expired()
    {
        var token = TestTokens.Create(expiresIn: TimeSpan.FromMinutes(-10));
        var (sent, seen) = await RunHttpAsync(TestTokens.Options(), MiddlewareScopes.Http("/x", headers: TestTokens.Bearer(token)));

        Assert.Null(seen);
        Assert.Equal(401, sent.Start()!.Status);
        Assert.Equal("Token expired", Detail(sent));
        Assert.Contains("invalid_token", sent.Start()!.Headers.GetFirst("www-authenticate"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Valid_token_passes_with_the_principal_in_a_copied_scope()
    {
        var upstream = MiddlewareScopes.Http("/api/me", headers: new AsgiHeader("authorization", "bearer " + TestTokens.Create("alice")));
        var (sent, seen) = await RunHttpAsync(TestTokens.Options("/api"), upstream);

        Assert.Equal(200, sent.Start()!.Status);
        Assert.NotNull(seen);
        Assert.NotSame(upstream, seen);
        var user = Assert.IsType<ClaimsPrincipal>(seen[BearerAuthenticationMiddleware.UserKey]);
        Assert.True(user.Identity!.IsAuthenticated);
        Assert.Equal("alice", user.FindFirst("sub")!.Value);
        Assert.False(upstream.ContainsKey("user"));
        Assert.Equal("/api/me", Assert.IsType<HttpScope>(seen).Path);
    }

    [Fact]
    public async Task Unprotected_paths_pass_without_a_token_and_ignore_invalid_ones()
    {
        var options = TestTokens.Options("/api");
        foreach (var path in new[] { "/", "/apix", "/public/api" })
        {
            var (sent, seen) = await RunHttpAsync(options, MiddlewareScopes.Http(path));
            Assert.Equal(200, sent.Start()!.Status);
            Assert.False(seen!.ContainsKey("user"));
        }

        var (invalid, seenInvalid) = await RunHttpAsync(options, MiddlewareScopes.Http("/", headers: TestTokens.Bearer("garbage")));
        Assert.Equal(200, invalid.Start()!.Status);
        Assert.False(seenInvalid!.ContainsKey("user"));

        var (valid, seenValid) = await RunHttpAsync(options, MiddlewareScopes.Http("/", headers: TestTokens.Bearer(TestTokens.Create("bob"))));
        Assert.Equal(200, valid.Start()!.Status);
        Assert.Equal("bob", ((ClaimsPrincipal)seenValid!["user"]!).FindFirst("sub")!.Value);
    }

    [Fact]
    public async Task Prefixes_are_matched_on_whole_segments_relative_to_root_path()
    {
        var options = TestTokens.Options("/api/");
        var (exact, _) = await RunHttpAsync(options, MiddlewareScopes.Http("/api"));
        var (nested, _) = await RunHttpAsync(options, MiddlewareScopes.Http("/mount/api/items", rootPath: "/mount"));
        var (mountOnly, _) = await RunHttpAsync(options, MiddlewareScopes.Http("/api/items", rootPath: "/api"));

        Assert.Equal(401, exact.Start()!.Status);
        Assert.Equal(401, nested.Start()!.Status);
        Assert.Equal(200, mountOnly.Start()!.Status);
    }

    [Theory]
    [InlineData("//api/items", 401)]
    [InlineData("/./API/./items", 401)]
    [InlineData("/x/../Api", 401)]
    [InlineData("/apiary", 200)]
    [InlineData("/ap", 200)]
    public async Task Prefixes_match_normalised_segments_in_any_case(string path, int status)
    {
        var (sent, _) = await RunHttpAsync(TestTokens.Options("/api"), MiddlewareScopes.Http(path));
        Assert.Equal(status, sent.Start()!.Status);
    }

    [Fact]
    public async Task Prefixes_are_relative_to_root_path()
    {
        var (below, _) = await RunHttpAsync(TestTokens.Options("/api"), MiddlewareScopes.Http("/app/API/x", rootPath: "/app"));
        var (outside, _) = await RunHttpAsync(TestTokens.Options("/api"), MiddlewareScopes.Http("/api/x", rootPath: "/api"));

        Assert.Equal(401, below.Start()!.Status);
        Assert.Equal(200, outside.Start()!.Status);
    }

    [Fact]
    public async Task Everything_is_protected_when_no_prefix_or_predicate_is_given()
    {
        var (sent, _) = await RunHttpAsync(TestTokens.Options(), MiddlewareScopes.Http("/anything"));
        Assert.Equal(401, sent.Start()!.Status);
    }

    [Fact]
    public async Task Predicate_decides_which_connections_are_protected()
    {
        var options = TestTokens.Options("/never-used");
        options.RequireAuthentication = scope => scope is HttpScope { Method: "POST" };

        var (get, _) = await RunHttpAsync(options, MiddlewareScopes.Http("/never-used"));
        var (post, _) = await RunHttpAsync(options, MiddlewareScopes.Http("/x", "POST"));

        Assert.Equal(200, get.Start()!.Status);
        Assert.Equal(401, post.Start()!.Status);
    }

    [Fact]
    public async Task Pluggable_validator_replaces_jwt_validation()
    {
        AsgiScope? validatedFor = null;
        var options = new BearerAuthenticationOptions
        {
            TokenValidator = (token, scope) =>
            {
                validatedFor = scope;
                return ValueTask.FromResult(token == "letmein" ? new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "carol")], "custom")) : null);
            },
        };
        var upstream = MiddlewareScopes.Http("/x", headers: TestTokens.Bearer("letmein"));

        var (accepted, seen) = await RunHttpAsync(options, upstream);
        Assert.Same(upstream, validatedFor);
        var (refused, _) = await RunHttpAsync(options, MiddlewareScopes.Http("/x", headers: TestTokens.Bearer("nope")));

        Assert.Equal(200, accepted.Start()!.Status);
        Assert.Equal("carol", ((ClaimsPrincipal)seen!["user"]!).FindFirst("sub")!.Value);
        Assert.Equal(401, refused.Start()!.Status);
        Assert.Equal("Invalid token", Detail(refused));
    }

    [Fact]
    public void Options_without_any_way_to_authenticate_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new BearerAuthenticationMiddleware(new BearerAuthenticationOptions()));
        Assert.Throws<ArgumentException>(() => BearerAuthenticationOptions.Hs256(new byte[16], "i", "a"));
    }

    [Fact]
    public async Task WebSocket_without_token_is_closed_with_1008_before_accept()
    {
        var called = false;
        var app = new AsgiPipelineBuilder().UseBearerAuthentication(TestTokens.Options("/ws"))
            .Run((scope, receive, send) => { called = true; return Task.CompletedTask; }).Build();

        var sent = await Asgi.RunAsync(app, MiddlewareScopes.WebSocket("/ws/chat"), WebSocketConnect.Instance);

        Assert.False(called);
        var close = Assert.IsType<WebSocketClose>(Assert.Single(sent));
        Assert.Equal(1008, close.Code);
        Assert.Equal("Not authenticated", close.Reason);
    }

    [Fact]
    public async Task WebSocket_with_an_invalid_token_is_closed_with_1008()
    {
        var app = new AsgiPipelineBuilder().UseBearerAuthentication(TestTokens.Options())
            .Run((scope, receive, send) => throw new InvalidOperationException("must not run")).Build();

        var sent = await Asgi.RunAsync(app, MiddlewareScopes.WebSocket("/ws", headers: TestTokens.Bearer(TestTokens.Create(key: TestTokens.OtherKey))), WebSocketConnect.Instance);

        Assert.Equal(1008, Assert.IsType<WebSocketClose>(Assert.Single(sent)).Code);
    }

    [Fact]
    public async Task WebSocket_with_a_valid_token_in_the_query_reaches_the_app_with_the_user()
    {
        var options = TestTokens.Options();
        options.QueryTokenParameter = "token";
        ClaimsPrincipal? user = null;
        var app = new AsgiPipelineBuilder().UseBearerAuthentication(options).Run(async (scope, receive, send) =>
        {
            user = scope["user"] as ClaimsPrincipal;
            await receive();
            await send(WebSocketAccept.Default);
        }).Build();
        var upstream = MiddlewareScopes.WebSocket("/ws", "room=1&token=" + Uri.EscapeDataString(TestTokens.Create("dave")), new AsgiHeader("authorization", "Basic ZGF2ZTpwdw=="));

        var sent = await Asgi.RunAsync(app, upstream, WebSocketConnect.Instance);

        Assert.Equal("dave", user!.FindFirst("sub")!.Value);
        Assert.IsType<WebSocketAccept>(Assert.Single(sent));
        Assert.False(upstream.ContainsKey("user"));
    }

    [Fact]
    public async Task Lifespan_passes_through()
    {
        var called = false;
        var app = new AsgiPipelineBuilder().UseBearerAuthentication(TestTokens.Options())
            .Run((scope, receive, send) => { called = true; return Task.CompletedTask; }).Build();

        await app(new LifespanScope(), () => ValueTask.FromResult<AsgiMessage>(LifespanStartup.Instance), _ => ValueTask.CompletedTask);

        Assert.True(called);
    }

    [Fact]
    public async Task Host_authentication_result_is_bridged_into_the_scope()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddAsgi();
        await using var app = builder.Build();
        app.Use((context, next) =>
        {
            // Stands in for UseAuthentication: an upstream handler authenticated the request.
            if (context.Request.Headers.TryGetValue("x-test-user", out var name))
            {
                context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", name.ToString())], "Test"));
            }

            return next(context);
        });
        app.UseAsgi(pipeline => pipeline
            .UseBearerAuthentication(o => o.UseHostAuthentication = true)
            .Run(async (scope, receive, send) =>
            {
                var user = (ClaimsPrincipal)scope["user"]!;
                await send(new HttpResponseStart(200));
                await send(new HttpResponseBody(System.Text.Encoding.UTF8.GetBytes(user.FindFirst("sub")!.Value)));
            }));
        await app.StartAsync();
        using var client = app.GetTestClient();

        using var anonymous = await client.GetAsync("/");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("x-test-user", "erin");
        using var authenticated = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(new AuthenticationHeaderValue("Bearer"), Assert.Single(anonymous.Headers.WwwAuthenticate));
        Assert.Equal("{\"detail\":\"Not authenticated\"}", await anonymous.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, authenticated.StatusCode);
        Assert.Equal("erin", await authenticated.Content.ReadAsStringAsync());
    }
}
