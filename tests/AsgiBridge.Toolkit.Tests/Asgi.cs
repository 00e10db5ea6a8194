using System.Text;
using AsgiBridge.Messages;
using AsgiBridge.Testing;

namespace AsgiBridge.Toolkit.Tests;

/// <summary>Builds scopes by hand and runs applications against an <see cref="AsgiCommunicator"/>.</summary>
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
        await using var communicator = new AsgiCommunicator(app, scope);
        foreach (var message in body.Length == 0 ? [HttpRequestBody.Empty] : body)
        {
            await communicator.SendInputAsync(message);
        }

        return CapturedResponse.From(await DrainAsync(communicator, disconnectAfterResponse: true));
    }

    /// <summary>Runs a WebSocket application that gets only the connect event and returns what it sent.</summary>
    public static async Task<IReadOnlyList<AsgiMessage>> RunWebSocketAsync(AsgiApp app, WebSocketScope scope)
    {
        await using var communicator = new AsgiCommunicator(app, scope);
        await communicator.SendInputAsync(WebSocketConnect.Instance);
        return await DrainAsync(communicator, disconnectAfterResponse: false);
    }

    /// <summary>
    /// Runs an application with the given input messages queued and returns everything it sent; for an HTTP scope,
    /// http.disconnect follows the complete response.
    /// </summary>
    public static async Task<IReadOnlyList<AsgiMessage>> RunAsync(AsgiApp app, AsgiScope scope, params AsgiMessage[] input)
    {
        await using var communicator = new AsgiCommunicator(app, scope);
        foreach (var message in input)
        {
            await communicator.SendInputAsync(message);
        }

        return await DrainAsync(communicator, disconnectAfterResponse: scope is HttpScope);
    }

    /// <summary>
    /// Starts an application that can reach its own communicator (to play the client from inside, e.g. leave in the
    /// middle of a response, or to look at what it sent so far); it runs only once the communicator exists.
    /// </summary>
    public static AsgiCommunicator Start(AsgiScope scope, Func<AsgiCommunicator, AsgiApp> app)
    {
        var created = new TaskCompletionSource<AsgiCommunicator>(TaskCreationOptions.RunContinuationsAsynchronously);
        var communicator = new AsgiCommunicator(async (s, receive, send) => await app(await created.Task)(s, receive, send), scope);
        created.SetResult(communicator);
        return communicator;
    }

    /// <summary>How long a hand-driven application may take for each step.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Reads everything the application sends until it returns, then re-throws what it raised. With
    /// <paramref name="disconnectAfterResponse"/> it behaves like a spec-following server: once the HTTP response is
    /// complete, the next receive yields http.disconnect.
    /// </summary>
    private static async Task<IReadOnlyList<AsgiMessage>> DrainAsync(AsgiCommunicator communicator, bool disconnectAfterResponse)
    {
        var sent = new List<AsgiMessage>();
        while (true)
        {
            AsgiMessage message;
            try
            {
                message = await communicator.ReceiveOutputAsync(Timeout);
            }
            catch (Exception) when (communicator.IsCompleted)
            {
                break; // returned (or raised: WaitAsync below re-throws it)
            }

            sent.Add(message);
            if (disconnectAfterResponse && message is HttpResponseBody { MoreBody: false } or HttpResponsePathSend)
            {
                await communicator.SendInputAsync(HttpDisconnect.Instance);
            }
        }

        await communicator.WaitAsync(Timeout);
        return sent;
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
