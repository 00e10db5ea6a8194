using System.Text;
using AsgiBridge.Messages;

namespace AsgiBridge.Testing.Tests;

/// <summary>Small ASGI applications and helpers shared by the tests.</summary>
internal static class TestApps
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

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

    /// <summary>An application that answers with the scope it was given (captured for assertions) and "ok".</summary>
    public static AsgiApp Capture(TaskCompletionSource<AsgiScope> scope) => async (s, receive, send) =>
    {
        scope.TrySetResult(s);
        await SendText(send, 200, "ok");
    };

    /// <summary>An application that runs one test-provided body and fails nothing else.</summary>
    public static AsgiApp Http(Func<HttpScope, AsgiReceive, AsgiSend, Task> handler) => (scope, receive, send) =>
        scope is HttpScope http ? handler(http, receive, send) : throw new NotSupportedException(scope.Type);
}
