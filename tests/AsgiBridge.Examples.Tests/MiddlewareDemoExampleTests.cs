using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AsgiBridge.Composition;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Logging;
using AsgiBridge.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Examples.Tests;

[Collection(nameof(WebApplicationFactoryGroup))]
public sealed class MiddlewareDemoExampleTests : IDisposable
{
    private readonly TestLogSink _sink = new();
    private readonly WebApplicationFactory<MiddlewareDemo.Program> _factory;

    public MiddlewareDemoExampleTests()
    {
        _factory = new WebApplicationFactory<MiddlewareDemo.Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("MiddlewareDemo:EmailDelayMilliseconds", "300");
            builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(_sink));
        });
    }

    public void Dispose() => _factory.Dispose();

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    private static async Task<string> TokenAsync(HttpClient client, string user)
    {
        using var response = await client.PostAsync($"/token?user={user}", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await JsonAsync(response);
        Assert.Equal("bearer", json.GetProperty("token_type").GetString());
        return json.GetProperty("access_token").GetString()!;
    }

    [Fact]
    public async Task Protected_endpoint_refuses_missing_and_invalid_tokens_with_401_json()
    {
        using var client = _factory.CreateClient();

        using var missing = await client.GetAsync("/api/me");
        using var invalidRequest = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        invalidRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "nonsense");
        using var invalid = await client.SendAsync(invalidRequest);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("Bearer", Assert.Single(missing.Headers.WwwAuthenticate).Scheme);
        Assert.Equal("application/json", missing.Content.Headers.ContentType!.MediaType);
        Assert.Equal("Not authenticated", (await JsonAsync(missing)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, invalid.StatusCode);
        Assert.Equal("Invalid token", (await JsonAsync(invalid)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Issued_token_opens_the_protected_endpoint_and_requests_are_logged()
    {
        using var client = _factory.CreateClient();
        var token = await TokenAsync(client, "alice");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await JsonAsync(response);
        Assert.Equal("alice", json.GetProperty("user").GetString());
        Assert.Equal("middleware-demo", json.GetProperty("claims").GetProperty("iss").GetString());
        var logged = await _sink.WaitForAsync(e => e.EventId.Id == 60 && (string?)e.Values["Path"] == "/api/me");
        Assert.Equal("GET", logged.Values["Method"]);
        Assert.Equal(200, logged.Values["StatusCode"]);
    }

    [Fact]
    public async Task Signup_answers_202_and_sends_the_welcome_email_in_the_background()
    {
        using var client = _factory.CreateClient();
        using var body = new StringContent("{\"email\":\"bob@example.com\"}", Encoding.UTF8, "application/json");

        using var response = await client.PostAsync("/signup", body);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var json = await JsonAsync(response);
        Assert.Equal("scheduled", json.GetProperty("status").GetString());
        var sent = await _sink.WaitForAsync(e => e.EventId.Name == "WelcomeEmailSent");
        Assert.Equal("bob@example.com", sent.Values["Email"]);
        var requestLogged = await _sink.WaitForAsync(e => e.EventId.Id == 60 && (string?)e.Values["Path"] == "/signup");
        Assert.Equal(202, requestLogged.Values["StatusCode"]);
        var entries = _sink.Entries.ToList();
        Assert.True(entries.IndexOf(requestLogged) < entries.IndexOf(sent));
    }

    [Fact]
    public async Task Signup_without_an_email_is_a_400()
    {
        using var client = _factory.CreateClient();
        using var body = new StringContent("{\"name\":\"bob\"}", Encoding.UTF8, "application/json");

        using var response = await client.PostAsync("/signup", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("email", (await JsonAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_sink.Entries, e => e.EventId.Name == "WelcomeEmailSending");
    }

    [Fact]
    public async Task Shutdown_waits_for_the_welcome_email_still_being_sent()
    {
        using (var client = _factory.CreateClient())
        {
            using var body = new StringContent("{\"email\":\"carol@example.com\"}", Encoding.UTF8, "application/json");
            using var response = await client.PostAsync("/signup", body);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await _sink.WaitForAsync(e => e.EventId.Name == "WelcomeEmailSending");
        await _factory.DisposeAsync();

        Assert.Contains(_sink.Entries, e => e.EventId.Name == "WelcomeEmailSent" && (string?)e.Values["Email"] == "carol@example.com");
    }

    [Fact]
    public async Task Unhandled_exception_becomes_the_developer_page_in_development()
    {
        using var client = _factory.CreateClient();

        using var response = await client.GetAsync("/boom");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("System.InvalidOperationException", html, StringComparison.Ordinal);
        Assert.Contains("Boom: this endpoint always fails.", html, StringComparison.Ordinal);
        Assert.Contains(_sink.Entries, e => e.EventId.Id == 71 && e.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task Echo_websocket_needs_a_token_and_greets_the_user()
    {
        using var http = _factory.CreateClient();
        var token = await TokenAsync(http, "alice");
        await using var client = _factory.CreateAsgiClient();

        // The middleware answers websocket.connect with websocket.close(1008); before accept the server turns that into 403.
        var refused = await Assert.ThrowsAsync<AsgiWebSocketDeniedException>(() => client.ConnectWebSocketAsync("/api/echo"));
        Assert.Equal(403, refused.Status);

        await using (var ws = await client.ConnectWebSocketAsync("/api/echo?token=" + token))
        {
            Assert.Equal("hello alice", await ws.ReceiveTextAsync());
            await ws.SendTextAsync("ping");
            Assert.Equal("ping", await ws.ReceiveTextAsync());
            await ws.CloseAsync(1000);
        }

        await _sink.WaitForAsync(e => e.EventId.Id == 63 && (int)e.Values["CloseCode"]! == 1000 && (string?)e.Values["ClosedBy"] == "client");
    }

    [Fact]
    public async Task Unhandled_exception_is_plain_text_in_production()
    {
        using var production = _factory.WithWebHostBuilder(builder => builder.UseEnvironment("Production"));
        using var client = production.CreateClient();

        using var response = await client.GetAsync("/boom");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("Internal Server Error", await response.Content.ReadAsStringAsync());
    }
}
