using System.Text;
using AsgiBridge.Messages;

namespace AsgiBridge.Testing.Tests;

/// <summary>Small ASGI applications and helpers shared by the tests.</summary>
internal static class TestApps
{
    // A bound for signals that must come, never a wait that passes: generous, so full-suite load cannot trip it.
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static async Task SendText(AsgiSend send, int status, string text, params AsgiHeader[] headers)
    {
        await send(new HttpResponseStart(status, [new("content-type", "text/plain; charset=utf-8"), .. headers]));
        await send(new HttpResponseBody(Utf8(text)));
    }

    public static async Task<byte[]> ReadBody(AsgiReceive receive)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var message = await receive();
            if (message is not HttpRequestBody chunk)
            {
                return body.ToArray();
            }

            body.Write(chunk.Body.Span);
            if (!chunk.MoreBody)
            {
                return body.ToArray();
            }
        }
    }

    /// <summary>
    /// An application that answers "ok" and hands the test the scope it was given. The bridge's scopes read their keys
    /// from the request lazily, and the request is recycled once the application returns, so every key is read here,
    /// while the application runs.
    /// </summary>
    public static AsgiApp Capture(TaskCompletionSource<AsgiScope> scope) => async (s, receive, send) =>
    {
        scope.TrySetResult(Materialize(s));
        await SendText(send, 200, "ok");
    };

    /// <summary>Reads every key of <paramref name="scope"/> so it stays readable after the application returned.</summary>
    public static T Materialize<T>(T scope)
        where T : AsgiScope
    {
        foreach (var key in scope.SpecKeys())
        {
            _ = scope[key];
        }

        return scope;
    }

    /// <summary>An application that runs one test-provided body and fails nothing else.</summary>
    public static AsgiApp Http(Func<HttpScope, AsgiReceive, AsgiSend, Task> handler) => (scope, receive, send) =>
        scope is HttpScope http ? handler(http, receive, send) : throw new NotSupportedException(scope.Type);
}
