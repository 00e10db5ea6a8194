using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;
using AsgiBridge.Seeds.Tests.Harness;
using AsgiBridge.Seeds.Tests.Ports;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.TestInfrastructure.Logging;
using AsgiBridge.TestInfrastructure.WebSockets;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AsgiBridge.Seeds.Tests.Seeds;

/// <summary>Seed 003's middlewares (logging, JWT authentication, background tasks) around the article's handlers.</summary>
public sealed partial class Seed003MiddlewareTests
{
    [Fact]
    public async Task Logging_middleware_logs_the_same_lines_as_on_uvicorn()
    {
        var sink = new TestLogSink();
        var port = new Seed003Handlers(TextWriter.Null, TimeSpan.Zero).LoggedApp(sink.Logger("seed003_middleware"));
        await using var servers = await SideBySide.StartAsync("seed003_middleware:logged_app", port);

        Assert.Equal("<h1>Home Page</h1>", (await servers.AssertSameGetAsync("/")).Text);
        Assert.Equal(404, (await servers.AssertSameGetAsync("/missing")).Status);
        var (uvicornWs, bridgeWs) = (servers.CreateUvicornWebSocket(), servers.Bridge.CreateWebSocketClient(KestrelProtocol.Http1));
        await Assert.ThrowsAsync<WebSocketException>(() => uvicornWs.ConnectAsync(servers.UvicornWebSocket("/nowhere"), CancellationToken.None));
        await Assert.ThrowsAsync<WebSocketException>(() => bridgeWs.ConnectAsync("/nowhere"));

        string[] expected = ["HTTP GET / 200 0.000s", "HTTP GET /missing 404 0.000s", "WebSocket connection to /nowhere", "WebSocket closed /nowhere"];
        await servers.Uvicorn.Process.WaitForTextAsync("WebSocket closed /nowhere");
        await sink.WaitForAsync(e => e.Message == "WebSocket closed /nowhere");
        var uvicorn = servers.Uvicorn.Process.Lines.Where(l => l.StartsWith("LOG seed003_middleware ", StringComparison.Ordinal)).Select(l => Duration().Replace(l[23..], "0.000s"));
        var bridge = sink.Entries.Where(e => e.Category == "seed003_middleware").Select(e => Duration().Replace(e.Message, "0.000s"));
        Assert.Equal(expected, uvicorn);
        Assert.Equal(expected, bridge);
    }

    [Fact]
    public async Task Jwt_middleware_answers_401_and_1008_without_a_valid_token_and_passes_the_payload_on_as_on_uvicorn()
    {
        await using var servers = await SideBySide.StartAsync("seed003_middleware:auth_app", new Seed003Handlers(TextWriter.Null, TimeSpan.Zero).AuthApp());
        var valid = Token(Seed003Handlers.Secret);
        var forged = Token("another-secret-key-of-at-least-32-bytes!!");

        Assert.Equal("<h1>Home Page</h1>", (await servers.AssertSameGetAsync("/")).Text);
        Assert.Equal((401, """{"error": "Unauthorized"}"""), Summary(await servers.AssertSameGetAsync("/me")));
        Assert.Equal((401, """{"error": "Unauthorized"}"""), Summary(await servers.AssertSameAsync(client => Get(client, "/me", "Basic dXNlcjpwdw=="))));
        Assert.Equal((401, """{"error": "Unauthorized"}"""), Summary(await servers.AssertSameAsync(client => Get(client, "/me", $"Bearer {forged}"))));
        Assert.Equal((200, """{"sub": "alice", "name": "Alice"}"""), Summary(await servers.AssertSameAsync(client => Get(client, "/me", $"Bearer {valid}"))));

        // WebSockets: the token comes in the query; without it (or forged) websocket.close 1008 before accept is a 403.
        foreach (var query in new[] { string.Empty, $"?token={forged}" })
        {
            var (uvicornWs, bridgeWs) = (servers.CreateUvicornWebSocket(), servers.Bridge.CreateWebSocketClient(KestrelProtocol.Http1));
            await Assert.ThrowsAsync<WebSocketException>(() => uvicornWs.ConnectAsync(servers.UvicornWebSocket("/ws/me" + query), CancellationToken.None));
            await Assert.ThrowsAsync<WebSocketException>(() => bridgeWs.ConnectAsync("/ws/me" + query));
            Assert.Equal((403, 403), ((int)uvicornWs.HttpStatusCode, (int)bridgeWs.Socket.HttpStatusCode));
        }

        var (uvicorn, bridge) = await servers.ConnectBothAsync($"/ws/me?token={valid}");
        foreach (var socket in new[] { uvicorn, bridge })
        {
            Assert.Equal("""{"sub": "alice", "name": "Alice"}""", (await socket.ReceiveMessageAsync()).Text);
            var close = await socket.ReceiveMessageAsync();
            Assert.Equal(WebSocketCloseStatus.NormalClosure, close.CloseStatus);
        }
    }

    [Fact]
    public async Task Background_task_runs_after_the_201_as_on_uvicorn()
    {
        var stdout = new LineWriter();
        await using var servers = await SideBySide.StartAsync("seed003_middleware:background_app", new Seed003Handlers(stdout, TimeSpan.FromSeconds(2)).BackgroundApp());

        var response = await servers.AssertSameAsync(client => client.PostAsync(new Uri("/signup", UriKind.Relative),
            new StringContent("""{"email": "ada@example.com"}""", Encoding.UTF8, "application/json")));

        Assert.Equal((201, """{"message": "User created successfully"}"""), Summary(response));
        // The e-mail is sent two seconds later, after the client has its answer, on both.
        Assert.DoesNotContain(servers.Uvicorn.Process.Lines, l => l.StartsWith("Email sent", StringComparison.Ordinal));
        Assert.Empty(stdout.Lines);
        await servers.Uvicorn.Process.WaitForTextAsync("Email sent to ada@example.com: Welcome!");
        await stdout.WaitForAsync("Email sent to ada@example.com: Welcome!");
    }

    private static (int, string) Summary(HttpSnapshot response) => (response.Status, response.Text);

    private static Task<HttpResponseMessage> Get(HttpClient client, string path, string authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
        return client.SendAsync(request);
    }

    private static string Token(string secret) => new JsonWebTokenHandler().CreateToken(
        """{"sub": "alice", "name": "Alice"}""",
        new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256));

    [GeneratedRegex(@"\d+\.\d{3}s$")]
    private static partial Regex Duration();
}
