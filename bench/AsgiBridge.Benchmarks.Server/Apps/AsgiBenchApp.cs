using AsgiBridge.Messages;

namespace AsgiBridge.Benchmarks.Apps;

/// <summary>
/// The ASGI side of the benchmark: the same workloads as <see cref="RawBenchApp"/>, written as a tuned ASGI
/// application would be: immutable <c>http.response.start</c> and static body messages are built once and reused.
/// The bridge adds <c>Content-Length</c> itself because each response is a single final body message.
/// </summary>
public static class AsgiBenchApp
{
    private static readonly HttpResponseStart s_textStart = new(200, [new("content-type", BenchPayloads.TextPlain)]);
    private static readonly HttpResponseStart s_binaryStart = new(200, [new("content-type", BenchPayloads.OctetStream)]);
    private static readonly HttpResponseStart s_notFound = new(404);
    private static readonly HttpResponseBody s_helloBody = new(BenchPayloads.Hello);
    private static readonly HttpResponseBody s_bigBody = new(BenchPayloads.Big);

    /// <summary>The ASGI application.</summary>
    /// <param name="scope">The connection scope.</param>
    /// <param name="receive">The receive callable.</param>
    /// <param name="send">The send callable.</param>
    /// <returns>A task that completes when the request is handled.</returns>
    public static Task Run(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        if (scope is not HttpScope http)
        {
            return Task.CompletedTask;
        }

        return http.Path switch
        {
            BenchPayloads.HelloPath => Respond(send, s_textStart, s_helloBody),
            BenchPayloads.BigPath => Respond(send, s_binaryStart, s_bigBody),
            BenchPayloads.EchoPath => EchoAsync(receive, send),
            _ => Respond(send, s_notFound, HttpResponseBody.Empty),
        };
    }

    private static async Task Respond(AsgiSend send, HttpResponseStart start, HttpResponseBody body)
    {
        // Completes synchronously (no allocation) whenever both sends do.
        await send(start);
        await send(body);
    }

    private static async Task EchoAsync(AsgiReceive receive, AsgiSend send)
    {
        var message = await receive();
        if (message is not HttpRequestBody first)
        {
            return; // http.disconnect
        }

        if (!first.MoreBody)
        {
            // The whole body arrived as one event: echo it without another copy.
            await send(s_binaryStart);
            await send(new HttpResponseBody(first.Body));
            return;
        }

        var buffer = new GrowableBuffer(BenchPayloads.EchoSize);
        try
        {
            buffer.Append(first.Body.Span);
            while (true)
            {
                message = await receive();
                if (message is not HttpRequestBody chunk)
                {
                    return;
                }

                buffer.Append(chunk.Body.Span);
                if (!chunk.MoreBody)
                {
                    break;
                }
            }

            await send(s_binaryStart);
            await send(new HttpResponseBody(buffer.Written));
        }
        finally
        {
            // send() has copied and flushed the bytes by the time it returns, so the buffer can go back to the pool.
            buffer.Release();
        }
    }
}
