using System.Text;
using System.Text.Json;
using AsgiBridge.Composition;
using AsgiBridge.Conversion;
using Microsoft.Extensions.Logging;
using Message = System.Collections.Generic.Dictionary<string, object?>;

namespace AsgiBridge.Seeds.Tests.Ports;

/// <summary>
/// Seed 003's signup handler with its background e-mail, and the wiring of python/seed003_middleware.py: the article's
/// handlers behind each middleware.
/// </summary>
/// <param name="stdout">Where <c>print</c> goes.</param>
/// <param name="emailDelay">The article's <c>asyncio.sleep(2)</c>.</param>
internal sealed class Seed003Handlers(TextWriter stdout, TimeSpan emailDelay)
{
    /// <summary>The key the side-by-side tests sign tokens with (as python/seed003_middleware.py's SECRET).</summary>
    public const string Secret = "seed-secret-key-for-the-side-by-side-tests";

    /// <summary>The routes every middleware wraps.</summary>
    /// <returns>The router.</returns>
    public AsgiApplicationRouter Routes()
    {
        var routes = new AsgiApplicationRouter();
        routes.AddHttpRoute("GET", "/", Seed003Basics.HomeHandler);
        routes.AddHttpRoute("GET", "/api", Seed003Basics.ApiHandler);
        routes.AddHttpRoute("GET", "/me", WhoAmIHandler);
        routes.AddHttpRoute("POST", "/signup", UserSignupHandler);
        routes.AddWebSocketRoute("/ws", (scope, receive, send) => Seed003Basics.WebSocketHandler(scope, receive, send));
        routes.AddWebSocketRoute("/ws/me", WsWhoAmIHandler);
        return routes;
    }

    /// <summary><c>LoggingMiddleware(ASGIMiddleware(routes))</c>.</summary>
    public AsgiApp LoggedApp(ILogger logger) =>
        AsgiApps.FromObject(new LoggingMiddleware(AsgiApps.FromObject(new AsgiMiddlewareTemplate(Routes())), logger));

    /// <summary><c>JWTAuthMiddleware(routes, SECRET, protected_paths=['/me', '/ws/me'])</c>.</summary>
    public AsgiApp AuthApp() => AsgiApps.FromObject(new JwtAuthMiddleware(Routes(), Secret, ["/me", "/ws/me"]));

    /// <summary><c>BackgroundTaskMiddleware(routes)</c>.</summary>
    public AsgiApp BackgroundApp() => AsgiApps.FromObject(new BackgroundTaskMiddleware(Routes()));

    /// <summary>Simulate sending email.</summary>
    public async Task SendEmail(string toEmail, string subject, string body)
    {
        await Task.Delay(emailDelay); // Simulate network delay
        await stdout.WriteLineAsync($"Email sent to {toEmail}: {subject}");
    }

    /// <summary>Handle user signup with background email task.</summary>
    public async Task UserSignupHandler(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        var body = await Seed003Basics.ParseRequestBody(scope, receive);
        var data = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Encoding.UTF8.GetString(body))!;
        // Process signup (save to database, etc.)
        var userEmail = data["email"].GetString()!;
        // Add background task for sending welcome email
        if (scope["background_tasks"] is Action<Func<Task>> backgroundTasks)
        {
            backgroundTasks(() => SendEmail(
                userEmail,
                "Welcome!",
                "Thank you for signing up!"));
        }

        // Send immediate response
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.start",
            ["status"] = 201,
            ["headers"] = new[] { new[] { "content-type"u8.ToArray(), "application/json"u8.ToArray() } },
        });
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.body",
            ["body"] = Encoding.UTF8.GetBytes(PythonJson.Dumps(new Message { ["message"] = "User created successfully" })),
        });
    }

    private static async Task WhoAmIHandler(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        await send.SendAsync(new Message { ["type"] = "http.response.start", ["status"] = 200, ["headers"] = new[] { new[] { "content-type"u8.ToArray(), "application/json"u8.ToArray() } } });
        await send.SendAsync(new Message { ["type"] = "http.response.body", ["body"] = Encoding.UTF8.GetBytes(PythonJson.Dumps(scope["user"])) });
    }

    private static async Task WsWhoAmIHandler(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        await receive();
        await send.SendAsync(new Message { ["type"] = "websocket.accept" });
        await send.SendAsync(new Message { ["type"] = "websocket.send", ["text"] = PythonJson.Dumps(scope["user"]) });
        await send.SendAsync(new Message { ["type"] = "websocket.close", ["code"] = 1000 });
    }
}
