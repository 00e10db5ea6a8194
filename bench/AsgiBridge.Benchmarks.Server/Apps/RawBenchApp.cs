using Microsoft.AspNetCore.Http;

namespace AsgiBridge.Benchmarks.Apps;

/// <summary>The raw Kestrel baseline: a plain <see cref="RequestDelegate"/> writing the same bytes as <see cref="AsgiBenchApp"/>.</summary>
public static class RawBenchApp
{
    /// <summary>Handles one request.</summary>
    /// <param name="context">The request.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public static Task HandleAsync(HttpContext context)
    {
        var response = context.Response;
        switch (context.Request.Path.Value)
        {
            case BenchPayloads.HelloPath:
                response.ContentType = BenchPayloads.TextPlain;
                response.ContentLength = BenchPayloads.Hello.Length;
                return Write(response, BenchPayloads.Hello);
            case BenchPayloads.BigPath:
                response.ContentType = BenchPayloads.OctetStream;
                response.ContentLength = BenchPayloads.BigSize;
                return Write(response, BenchPayloads.Big);
            case BenchPayloads.EchoPath:
                return EchoAsync(context);
            default:
                response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
        }
    }

    /// <summary>
    /// The raw baseline that also completes the response as soon as the body is written, as the bridge does for a
    /// final <c>http.response.body</c> (<c>raw-complete</c> mode): isolates what Kestrel's early-completion path costs.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <returns>A task that completes when the response is complete.</returns>
    public static async Task HandleAndCompleteAsync(HttpContext context)
    {
        await HandleAsync(context);
        await context.Response.CompleteAsync();
    }

    private static Task Write(HttpResponse response, ReadOnlyMemory<byte> body)
    {
        var flush = response.BodyWriter.WriteAsync(body);
        return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask();
    }

    private static async Task EchoAsync(HttpContext context)
    {
        // Reads the whole body into one pooled buffer before answering, as the ASGI echo has to.
        var request = context.Request;
        var expected = request.ContentLength;
        var reader = request.BodyReader;
        var buffer = new GrowableBuffer((int)(expected ?? BenchPayloads.EchoSize));
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync();
                foreach (var segment in result.Buffer)
                {
                    buffer.Append(segment.Span);
                }

                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || buffer.Length >= expected)
                {
                    break;
                }
            }

            var response = context.Response;
            response.ContentType = BenchPayloads.OctetStream;
            response.ContentLength = buffer.Length;
            await response.BodyWriter.WriteAsync(buffer.Written);
        }
        finally
        {
            buffer.Release();
        }
    }
}
