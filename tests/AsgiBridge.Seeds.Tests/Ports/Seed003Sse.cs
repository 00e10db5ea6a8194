using System.Text;
using AsgiBridge.Conversion;
using Message = System.Collections.Generic.Dictionary<string, object?>;

namespace AsgiBridge.Seeds.Tests.Ports;

/// <summary>Seed 003 "Server-Sent Events (SSE)": the handler and its page (python/seed003_sse.py).</summary>
/// <param name="interval">The article's <c>asyncio.sleep(1)</c> between updates.</param>
internal sealed class Seed003Sse(TimeSpan interval)
{
    /// <summary>Completes when the handler has left its loop (the client went away) and returned or raised.</summary>
    public TaskCompletionSource<Exception?> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The page at <c>/</c>, the stream at <c>/sse</c> (test wiring, as in the Python file).</summary>
    public async Task App(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        if ((string?)scope["path"] == "/sse")
        {
            try
            {
                await SseHandler(scope, receive, send);
                Ended.TrySetResult(null);
            }
            catch (Exception ex)
            {
                Ended.TrySetResult(ex);
                throw;
            }
        }
        else
        {
            await SseClientHandler(scope, receive, send);
        }
    }

    private static double Time() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>Server-Sent Events handler.</summary>
    private async Task SseHandler(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.start",
            ["status"] = 200,
            ["headers"] = new[]
            {
                new[] { "content-type"u8.ToArray(), "text/event-stream"u8.ToArray() },
                new[] { "cache-control"u8.ToArray(), "no-cache"u8.ToArray() },
                new[] { "connection"u8.ToArray(), "keep-alive"u8.ToArray() },
                new[] { "access-control-allow-origin"u8.ToArray(), "*"u8.ToArray() },
            },
        });
        // Send initial connection message
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.body",
            ["body"] = Encoding.UTF8.GetBytes($"data: {PythonJson.Dumps(new Message { ["type"] = "connected", ["timestamp"] = Time() })}\n\n"),
            ["more_body"] = true,
        });
        // Send periodic updates
        var counter = 0;
        while (true)
        {
            try
            {
                counter += 1;
                var data = new Message
                {
                    ["type"] = "update",
                    ["counter"] = counter,
                    ["timestamp"] = Time(),
                    ["message"] = $"Update #{counter}",
                };
                var message = $"data: {PythonJson.Dumps(data)}\n\n";
                await send.SendAsync(new Message
                {
                    ["type"] = "http.response.body",
                    ["body"] = Encoding.UTF8.GetBytes(message),
                    ["more_body"] = true,
                });
                await Task.Delay(interval); // Send update every second
            }
            catch (Exception)
            {
                // Client disconnected
                break;
            }
        }

        // End the response
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.body",
            ["body"] = Array.Empty<byte>(),
            ["more_body"] = false,
        });
    }

    /// <summary>Serve SSE client HTML.</summary>
    private static async Task SseClientHandler(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.start",
            ["status"] = 200,
            ["headers"] = new[] { new[] { "content-type"u8.ToArray(), "text/html"u8.ToArray() } },
        });
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.body",
            ["body"] = Html.SsePage,
        });
    }
}
