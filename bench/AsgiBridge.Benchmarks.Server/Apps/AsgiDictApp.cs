using System.Text;
using AsgiBridge.Conversion;

namespace AsgiBridge.Benchmarks.Apps;

/// <summary>
/// The same workloads in the dictionary form of Python ASGI (<see cref="AsgiDictionaryApp"/>), as code ported line by
/// line from Python is written: the scope is a dictionary, headers are read from <c>scope["headers"]</c> (a list of
/// <c>[name, value]</c> byte pairs), and every message is a dictionary built per request.
/// </summary>
public static class AsgiDictApp
{
    private static readonly byte[] s_contentType = "content-type"u8.ToArray();
    private static readonly byte[] s_userAgent = "user-agent"u8.ToArray();

    // A module-level constant, as BIG = b"..." would be in the Python original.
    private static readonly byte[] s_big = BenchPayloads.Big.ToArray();

    /// <summary>The application, wrapped for <c>UseAsgi</c>.</summary>
    public static AsgiApp App { get; } = AsgiDictionaryApp.Create(RunAsync);

    private static async Task RunAsync(
        IDictionary<string, object?> scope,
        Func<Task<IDictionary<string, object?>>> receive,
        Func<IDictionary<string, object?>, Task> send)
    {
        if ((string?)scope["type"] != "http")
        {
            return;
        }

        byte[]? contentType = null;
        byte[]? userAgent = null;
        foreach (var item in (IEnumerable<object?>)scope["headers"]!)
        {
            var pair = (IList<object?>)item!;
            var name = (byte[])pair[0]!;
            if (name.AsSpan().SequenceEqual(s_contentType))
            {
                contentType = (byte[])pair[1]!;
            }
            else if (name.AsSpan().SequenceEqual(s_userAgent))
            {
                userAgent = (byte[])pair[1]!;
            }
        }

        GC.KeepAlive(userAgent);
        switch ((string?)scope["path"])
        {
            case BenchPayloads.HelloPath:
                await send(Start(200, "text/plain"u8.ToArray()));
                await send(Body("Hello, world!"u8.ToArray()));
                break;
            case BenchPayloads.BigPath:
                await send(Start(200, "application/octet-stream"u8.ToArray()));
                await send(Body(s_big));
                break;
            case BenchPayloads.EchoPath:
                var chunks = new List<byte[]>();
                while (true)
                {
                    var message = await receive();
                    if ((string?)message["type"] != "http.request")
                    {
                        return;
                    }

                    chunks.Add((byte[])message["body"]!);
                    if (message.TryGetValue("more_body", out var more) && more is true)
                    {
                        continue;
                    }

                    break;
                }

                await send(Start(200, contentType ?? Encoding.ASCII.GetBytes("application/octet-stream")));
                await send(Body(chunks.Count == 1 ? chunks[0] : Concat(chunks)));
                break;
            default:
                await send(new Dictionary<string, object?> { ["type"] = "http.response.start", ["status"] = 404 });
                await send(Body([]));
                break;
        }
    }

    private static Dictionary<string, object?> Start(int status, byte[] contentType) => new()
    {
        ["type"] = "http.response.start",
        ["status"] = status,
        ["headers"] = new List<object?> { new List<object?> { "content-type"u8.ToArray(), contentType } },
    };

    private static Dictionary<string, object?> Body(byte[] body) => new()
    {
        ["type"] = "http.response.body",
        ["body"] = body,
    };

    private static byte[] Concat(List<byte[]> chunks)
    {
        var total = 0;
        foreach (var chunk in chunks)
        {
            total += chunk.Length;
        }

        var result = new byte[total];
        var offset = 0;
        foreach (var chunk in chunks)
        {
            chunk.CopyTo(result, offset);
            offset += chunk.Length;
        }

        return result;
    }
}
