using AsgiBridge.Messages;

namespace AsgiBridge.Benchmarks.Apps;

/// <summary>
/// The same workloads written the way applications usually are (the README's examples): messages built per request,
/// the body bytes created per request, request headers read from the scope (<c>content-type</c> and
/// <c>user-agent</c> through <see cref="ConnectionScope.Headers"/>, which materialises the whole header list), and the
/// echo body collected in a <see cref="MemoryStream"/>. Next to <see cref="AsgiBenchApp"/> it shows what a typical
/// application pays, not what a tuned one can reach.
/// </summary>
public static class AsgiUserApp
{
    /// <summary>The ASGI application.</summary>
    /// <param name="scope">The connection scope.</param>
    /// <param name="receive">The receive callable.</param>
    /// <param name="send">The send callable.</param>
    /// <returns>A task that completes when the request is handled.</returns>
    public static async Task Run(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        if (scope is not HttpScope http)
        {
            return;
        }

        // What a user-written app typically looks at: the content type and the client. Reading Headers builds the
        // full ASGI header list (every request header, lower-cased names).
        var contentType = http.Headers.GetFirst("content-type");
        var userAgent = http.Headers.GetFirst("user-agent");
        GC.KeepAlive(userAgent);

        switch (http.Path)
        {
            case BenchPayloads.HelloPath:
                await send(new HttpResponseStart(200, [new("content-type", "text/plain")]));
                await send(new HttpResponseBody("Hello, world!"u8.ToArray()));
                break;
            case BenchPayloads.BigPath:
                await send(new HttpResponseStart(200, [new("content-type", "application/octet-stream")]));
                await send(new HttpResponseBody(BenchPayloads.Big));
                break;
            case BenchPayloads.EchoPath:
                using (var body = new MemoryStream())
                {
                    while (await receive() is HttpRequestBody chunk)
                    {
                        body.Write(chunk.Body.Span);
                        if (!chunk.MoreBody)
                        {
                            break;
                        }
                    }

                    await send(new HttpResponseStart(200, [new("content-type", contentType ?? "application/octet-stream")]));
                    await send(new HttpResponseBody(body.ToArray()));
                }

                break;
            default:
                await send(new HttpResponseStart(404));
                await send(new HttpResponseBody(ReadOnlyMemory<byte>.Empty));
                break;
        }
    }
}
