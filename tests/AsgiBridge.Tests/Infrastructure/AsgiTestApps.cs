using System.Text;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.WebSockets;

namespace AsgiBridge.Tests.Infrastructure;

/// <summary>Small building blocks for ASGI applications written inside tests.</summary>
internal static class AsgiTestApps
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>Reads <c>http.request</c> messages until <c>more_body</c> is false; returns them all.</summary>
    public static async Task<List<HttpRequestBody>> ReadAllAsync(AsgiReceive receive)
    {
        var messages = new List<HttpRequestBody>();
        while (true)
        {
            var message = await receive();
            if (message is not HttpRequestBody body)
            {
                throw new InvalidOperationException($"Expected http.request, got {message.Type}.");
            }

            messages.Add(body);
            if (!body.MoreBody)
            {
                return messages;
            }
        }
    }

    public static byte[] Concat(IEnumerable<HttpRequestBody> messages)
    {
        using var stream = new MemoryStream();
        foreach (var message in messages)
        {
            stream.Write(message.Body.Span);
        }

        return stream.ToArray();
    }

    public static async Task SendTextAsync(AsgiSend send, int status, string text, params AsgiHeader[] headers)
    {
        await send(new HttpResponseStart(status, [new("content-type", "text/plain"), .. headers]));
        await send(new HttpResponseBody(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>An app that answers 200 with <paramref name="text"/>.</summary>
    public static AsgiApp Text(string text) => (_, _, send) => SendTextAsync(send, 200, text);
}
