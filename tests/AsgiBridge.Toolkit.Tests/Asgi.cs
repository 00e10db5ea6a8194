using System.Text;
using AsgiBridge.Messages;

namespace AsgiBridge.Toolkit.Tests;

/// <summary>Builds scopes by hand and runs applications against a <see cref="FakeConnection"/>.</summary>
internal static class Asgi
{
    public static HttpScope Http(string path, string method = "GET", string query = "", string rootPath = "", params (string Name, string Value)[] headers) =>
        new()
        {
            Method = method,
            Path = path,
            RawPath = Encoding.ASCII.GetBytes(path),
            QueryString = Encoding.ASCII.GetBytes(query),
            RootPath = rootPath,
            Headers = [.. headers.Select(h => new AsgiHeader(h.Name, h.Value))],
        };

    public static WebSocketScope WebSocket(string path, string rootPath = "", params string[] subprotocols) =>
        new()
        {
            Path = path,
            RawPath = Encoding.ASCII.GetBytes(path),
            RootPath = rootPath,
            Subprotocols = subprotocols,
        };

    /// <summary>Runs an HTTP application with a request body (default: empty) and returns what it sent.</summary>
    public static async Task<CapturedResponse> RunHttpAsync(AsgiApp app, HttpScope scope, params AsgiMessage[] body)
    {
        var connection = new FakeConnection(http: true, body.Length == 0 ? [HttpRequestBody.Empty] : body);
        await app(scope, connection.Receive, connection.Send).WaitAsync(FakeConnection.Timeout);
        return connection.Response();
    }

    /// <summary>Runs a WebSocket application that gets only the connect event and returns what it sent.</summary>
    public static async Task<IReadOnlyList<AsgiMessage>> RunWebSocketAsync(AsgiApp app, WebSocketScope scope)
    {
        var connection = new FakeConnection(http: false, WebSocketConnect.Instance);
        await app(scope, connection.Receive, connection.Send).WaitAsync(FakeConnection.Timeout);
        return connection.Sent;
    }

    /// <summary>An application that answers 200 with a text body.</summary>
    public static AsgiApp Text(string text) => async (scope, receive, send) =>
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        await send(new HttpResponseStart(200, [new("content-type", "text/plain; charset=utf-8")]));
        await send(new HttpResponseBody(bytes));
    };

    /// <summary>An application that records the scope it was called with, then answers 200 "ok".</summary>
    public static AsgiApp Capture(Action<ConnectionScope> capture) => async (scope, receive, send) =>
    {
        capture((ConnectionScope)scope);
        if (scope is WebSocketScope)
        {
            await receive();
            await send(WebSocketAccept.Default);
            await send(WebSocketClose.Normal);
            return;
        }

        await send(new HttpResponseStart(200));
        await send(new HttpResponseBody("ok"u8.ToArray()));
    };
}
