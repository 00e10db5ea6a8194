using System.Diagnostics;
using System.Text;
using System.Text.Json;
using AsgiBridge.Composition;
using AsgiBridge.Conversion;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Message = System.Collections.Generic.Dictionary<string, object?>;

namespace AsgiBridge.Seeds.Tests.Ports;

/// <summary>Seed 003 "Basic Middleware Pattern": the pass-through middleware.</summary>
/// <param name="app">The wrapped application.</param>
internal sealed class AsgiMiddlewareTemplate(AsgiApp app) : IAsgiApplication
{
    /// <inheritdoc />
    public async Task InvokeAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        // Pre-processing
        // ... modify scope or perform checks
        // Call the wrapped application
        await app(scope, receive, send);
    }
}

/// <summary>Seed 003 "Logging Middleware": method, path, status and duration through <see cref="ILogger"/>.</summary>
/// <param name="app">The wrapped application.</param>
/// <param name="logger">The logger (Python's <c>logging.getLogger(__name__)</c>).</param>
internal sealed class LoggingMiddleware(AsgiApp app, ILogger logger) : IAsgiApplication
{
    /// <inheritdoc />
    public async Task InvokeAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        if ((string?)scope["type"] == "http")
        {
            await LogHttpRequest(scope, receive, send);
        }
        else if ((string?)scope["type"] == "websocket")
        {
            await LogWebSocketConnection(scope, receive, send);
        }
        else
        {
            await app(scope, receive, send);
        }
    }

    private async Task LogHttpRequest(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        var startTime = Stopwatch.GetTimestamp();
        // Capture response info
        var responseInfo = new Dictionary<string, object?> { ["status"] = null };

        async ValueTask LoggingSend(Messages.AsgiMessage message)
        {
            var m = AsgiMessageConverter.ToDictionary(message);
            if ((string?)m["type"] == "http.response.start")
            {
                responseInfo["status"] = m["status"];
            }

            await send(message);
        }

        // Call the application
        await app(scope, receive, LoggingSend);
        // Log the request
        var duration = Stopwatch.GetElapsedTime(startTime).TotalSeconds;
#pragma warning disable CA1848, CA2254, CA1873 // the article's f-string, kept as one formatted line
        logger.LogInformation($"HTTP {scope["method"]} {scope["path"]} {responseInfo["status"]} {duration:0.000}s");
    }

    private async Task LogWebSocketConnection(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        logger.LogInformation($"WebSocket connection to {scope["path"]}");

        async ValueTask LoggingSend(Messages.AsgiMessage message)
        {
            if (message.Type == "websocket.close")
            {
                logger.LogInformation($"WebSocket closed {scope["path"]}");
            }

            await send(message);
        }
#pragma warning restore CA1848, CA2254, CA1873

        await app(scope, receive, LoggingSend);
    }
}

/// <summary>Seed 003 "Authentication Middleware": HS256 JWTs for listed paths, 401 JSON over HTTP and close 1008 for WebSockets.</summary>
/// <param name="app">The wrapped application.</param>
/// <param name="secretKey">The HMAC key.</param>
/// <param name="protectedPaths">The exact paths that need a token.</param>
internal sealed class JwtAuthMiddleware(AsgiApp app, string secretKey, IReadOnlyList<string>? protectedPaths = null) : IAsgiApplication
{
    private readonly IReadOnlyList<string> _protectedPaths = protectedPaths ?? [];
    private readonly JsonWebTokenHandler _handler = new();

    /// <inheritdoc />
    public async Task InvokeAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        // Check if path requires authentication
        if (_protectedPaths.Contains((string)scope["path"]!))
        {
            if ((string?)scope["type"] == "http")
            {
                await AuthenticateHttp(scope, receive, send);
            }
            else if ((string?)scope["type"] == "websocket")
            {
                await AuthenticateWebSocket(scope, receive, send);
            }
            else
            {
                await app(scope, receive, send);
            }
        }
        else
        {
            await app(scope, receive, send);
        }
    }

    private async Task AuthenticateHttp(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        // Get Authorization header
        var headers = Py.HeaderDict(scope["headers"]);
        var authHeader = Py.Decode(headers.GetValueOrDefault("authorization"));
        if (!authHeader.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            await Unauthorized(send);
            return;
        }

        var token = authHeader[7..];
        if (await DecodeAsync(token) is { } payload)
        {
            // Add user info to scope
            scope["user"] = payload;
            await app(scope, receive, send);
        }
        else
        {
            await Unauthorized(send);
        }
    }

    private async Task AuthenticateWebSocket(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        // For WebSocket, check token in query parameters
        var queryString = Py.Decode(scope["query_string"]);
        var queryParams = PythonJson.ParseQs(queryString);
        var token = queryParams.GetValueOrDefault("token")?[0];
        if (string.IsNullOrEmpty(token))
        {
            await send.SendAsync(new Message { ["type"] = "websocket.close", ["code"] = 1008 });
            return;
        }

        if (await DecodeAsync(token) is { } payload)
        {
            scope["user"] = payload;
            await app(scope, receive, send);
        }
        else
        {
            await send.SendAsync(new Message { ["type"] = "websocket.close", ["code"] = 1008 });
        }
    }

    /// <summary><c>jwt.decode(token, secret_key, algorithms=['HS256'])</c>: the payload, or <see langword="null"/> for <c>InvalidTokenError</c>.</summary>
    private async Task<JsonElement?> DecodeAsync(string token)
    {
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secretKey)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = false,
            ValidateAudience = false,
            RequireExpirationTime = false,
        });
        return result.IsValid
            ? JsonDocument.Parse(Base64UrlEncoder.Decode(((JsonWebToken)result.SecurityToken).EncodedPayload)).RootElement.Clone()
            : null;
    }

    private static async Task Unauthorized(AsgiSend send)
    {
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.start",
            ["status"] = 401,
            ["headers"] = new[] { new[] { "content-type"u8.ToArray(), "application/json"u8.ToArray() } },
        });
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.body",
            ["body"] = Encoding.UTF8.GetBytes(PythonJson.Dumps(new Message { ["error"] = "Unauthorized" })),
        });
    }
}

/// <summary>Seed 003 "Background Task Execution": <c>scope['background_tasks']</c> starts work that outlives the response.</summary>
/// <param name="app">The wrapped application.</param>
internal sealed class BackgroundTaskMiddleware(AsgiApp app) : IAsgiApplication
{
    private readonly HashSet<Task> _backgroundTasks = [];

    /// <summary>The tasks still running.</summary>
    public int Running
    {
        get
        {
            lock (_backgroundTasks)
            {
                return _backgroundTasks.Count;
            }
        }
    }

    /// <inheritdoc />
    public async Task InvokeAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        // Add background task execution to scope
        scope["background_tasks"] = (Action<Func<Task>>)AddBackgroundTask;
        await app(scope, receive, send);
    }

    /// <summary>Add a background task to be executed after response (Python's <c>func, *args</c> is a closure here).</summary>
    private void AddBackgroundTask(Func<Task> func)
    {
        var task = Task.Run(func);
        lock (_backgroundTasks)
        {
            _backgroundTasks.Add(task);
        }

        task.ContinueWith(done =>
        {
            lock (_backgroundTasks)
            {
                _backgroundTasks.Remove(done);
            }
        }, TaskScheduler.Default);
    }
}
