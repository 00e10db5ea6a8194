using System.Security.Claims;
using System.Text.Json;
using AsgiBridge.Toolkit;

namespace MiddlewareDemo;

/// <summary>The demo's endpoints. Everything under <c>/api</c> needs a bearer token: the <c>/api</c> router requires it, and <see cref="Program"/> protects the prefix.</summary>
/// <param name="tokens">Issues demo tokens.</param>
/// <param name="mailer">Sends welcome emails.</param>
public sealed class DemoRoutes(TokenIssuer tokens, WelcomeMailer mailer)
{
    private const string Help = """
        AsgiBridge middleware demo
          POST /token?user=NAME   get a demo bearer token
          GET  /api/me            who you are (needs Authorization: Bearer TOKEN)
          WS   /api/echo?token=T  echo WebSocket (token in the query string)
          POST /signup            {"email": "..."}: 202 now, welcome email in the background
          GET  /boom              an unhandled exception, turned into a 500
        """;

    /// <summary>Builds the router.</summary>
    /// <returns>The router.</returns>
    public AsgiRouter Build()
    {
        var router = new AsgiRouter();
        router.MapGet("/", _ => Task.FromResult<AsgiResponse>(new TextResponse(Help + "\n")));
        router.MapPost("/token", IssueToken);

        // Everything below /api needs a user: the mounted router itself carries the requirement, so whatever it matches
        // (any letter case, any spelling of the path) is protected, and the middleware's own /api prefix is a second lock.
        var api = new AsgiRouter().RequireAuthentication();
        api.MapGet("/me", Me);
        api.MapWebSocket("/echo", EchoAsync);
        router.Mount("/api", api);
        router.MapPost("/signup", SignupAsync);
        router.MapGet("/boom", AsgiResponse (_) => throw new InvalidOperationException("Boom: this endpoint always fails."));
        return router;
    }

    private Task<AsgiResponse> IssueToken(AsgiRequest request)
    {
        var user = request.Query.TryGetValue("user", out var values) && !string.IsNullOrWhiteSpace(values[0]) ? values[0]! : "demo";
        var lifetime = TimeSpan.FromHours(1);
        var token = tokens.Issue(user, lifetime);
        return Task.FromResult<AsgiResponse>(JsonResponse.Create(new TokenResponse(token, "bearer", (int)lifetime.TotalSeconds), DemoJson.Default.TokenResponse));
    }

    private static Task<AsgiResponse> Me(AsgiRequest request)
    {
        // The authentication middleware put the validated principal into a copy of the scope.
        var user = (ClaimsPrincipal)request.Scope[BearerAuthenticationMiddleware.UserKey]!;
        var claims = user.Claims.GroupBy(c => c.Type).ToDictionary(g => g.Key, g => string.Join(' ', g.Select(c => c.Value)));
        return Task.FromResult<AsgiResponse>(JsonResponse.Create(new MeResponse(user.FindFirst("sub")?.Value, claims), DemoJson.Default.MeResponse));
    }

    private static async Task EchoAsync(AsgiWebSocket socket)
    {
        var user = socket.Scope[BearerAuthenticationMiddleware.UserKey] as ClaimsPrincipal;
        await socket.AcceptAsync();
        await socket.SendTextAsync($"hello {user?.FindFirst("sub")?.Value}");
        await foreach (var text in socket.ReadTextMessagesAsync())
        {
            await socket.SendTextAsync(text);
        }
    }

    private async Task<AsgiResponse> SignupAsync(AsgiRequest request)
    {
        SignupRequest? signup;
        try
        {
            signup = await request.ReadJsonAsync(DemoJson.Default.SignupRequest);
        }
        catch (JsonException)
        {
            signup = null;
        }

        var email = signup?.Email?.Trim();
        if (string.IsNullOrEmpty(email) || !email.Contains('@', StringComparison.Ordinal))
        {
            return JsonResponse.Create(new ErrorResponse("A JSON body with a valid \"email\" is required."), DemoJson.Default.ErrorResponse, 400);
        }

        // scope["background"]: the work starts once this response has been sent, and shutdown waits for it.
        var schedule = BackgroundTasksMiddleware.GetScheduler(request.Scope);
        schedule(token => mailer.SendWelcomeAsync(email, token));
        return JsonResponse.Create(new SignupResponse("scheduled", email), DemoJson.Default.SignupResponse, 202);
    }
}
