namespace AsgiBridge;

/// <summary>The values of the <c>type</c> scope key.</summary>
public static class AsgiScopeTypes
{
    /// <summary><c>"http"</c>: one HTTP request/response.</summary>
    public const string Http = "http";

    /// <summary><c>"websocket"</c>: one WebSocket connection.</summary>
    public const string WebSocket = "websocket";

    /// <summary><c>"lifespan"</c>: the application's startup/shutdown lifetime.</summary>
    public const string Lifespan = "lifespan";
}
