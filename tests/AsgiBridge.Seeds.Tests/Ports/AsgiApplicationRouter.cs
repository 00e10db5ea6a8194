using AsgiBridge.Composition;
using AsgiBridge.Conversion;
using Message = System.Collections.Generic.Dictionary<string, object?>;

namespace AsgiBridge.Seeds.Tests.Ports;

/// <summary>Seed 003 "Class-Based Application": the article's <c>ASGIApplication</c>, a router by (method, path).</summary>
/// <param name="config">The article's unused configuration.</param>
internal sealed class AsgiApplicationRouter(IDictionary<string, object?>? config = null) : IAsgiApplication
{
    private readonly Dictionary<(string Method, string Path), AsgiApp> _httpRoutes = [];
    private readonly Dictionary<string, AsgiApp> _websocketRoutes = [];

    /// <summary>The configuration.</summary>
    public IDictionary<string, object?> Config { get; } = config ?? new Dictionary<string, object?>();

    /// <summary>The router as an application.</summary>
    /// <param name="router">The router.</param>
    public static implicit operator AsgiApp(AsgiApplicationRouter router) => router.InvokeAsync;

    /// <summary>Make the class callable as ASGI app.</summary>
    public async Task InvokeAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        if ((string?)scope["type"] == "http")
        {
            await HandleHttp(scope, receive, send);
        }
        else if ((string?)scope["type"] == "websocket")
        {
            await HandleWebSocket(scope, receive, send);
        }
        else
        {
            throw new ArgumentException($"Unknown scope type: {scope["type"]}");
        }
    }

    /// <summary>Registers an HTTP handler.</summary>
    public void AddHttpRoute(string method, string path, AsgiApp handler) => _httpRoutes[(method, path)] = handler;

    /// <summary>Registers a WebSocket handler.</summary>
    public void AddWebSocketRoute(string path, AsgiApp handler) => _websocketRoutes[path] = handler;

    private async Task HandleHttp(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        var method = (string)scope["method"]!;
        var path = (string)scope["path"]!;
        // Route handling
        if (_httpRoutes.GetValueOrDefault((method, path)) is { } handler)
        {
            await handler(scope, receive, send);
        }
        else
        {
            await NotFound(scope, receive, send);
        }
    }

    private async Task HandleWebSocket(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        var path = (string)scope["path"]!;
        if (_websocketRoutes.GetValueOrDefault(path) is { } handler)
        {
            await handler(scope, receive, send);
        }
        else
        {
            await send.SendAsync(new Message { ["type"] = "websocket.close", ["code"] = 1000 });
        }
    }

    private static async Task NotFound(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.start",
            ["status"] = 404,
            ["headers"] = new[] { new[] { "content-type"u8.ToArray(), "text/plain"u8.ToArray() } },
        });
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.body",
            ["body"] = "Not Found"u8.ToArray(),
        });
    }
}
