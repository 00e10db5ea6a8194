using AsgiBridge.Messages;

namespace AsgiBridge.Toolkit.Tests.Middleware;

/// <summary>Scopes built by hand for middleware tests.</summary>
public static class MiddlewareScopes
{
    public static HttpScope Http(string path = "/", string method = "GET", string rootPath = "", params AsgiHeader[] headers) => new()
    {
        Method = method,
        Path = path,
        RootPath = rootPath,
        Headers = headers,
    };

    public static WebSocketScope WebSocket(string path = "/", string query = "", params AsgiHeader[] headers) => new()
    {
        Path = path,
        QueryString = System.Text.Encoding.ASCII.GetBytes(query),
        Headers = headers,
    };

    /// <summary>An application that answers 200 <c>ok</c> and records the scope it saw.</summary>
    public static AsgiApp Ok(Action<AsgiScope>? seen = null, int status = 200) => async (scope, receive, send) =>
    {
        seen?.Invoke(scope);
        await send(new HttpResponseStart(status, [new("content-type", "text/plain")]));
        await send(new HttpResponseBody("ok"u8.ToArray()));
    };
}
