using System.Globalization;
using System.Text;
using AsgiBridge.Messages;

namespace AsgiBridge.Testing.Tests.Parity;

/// <summary>
/// The shared suite of application behaviours: one ASGI application that dispatches on the path, served both by the
/// in-process client and by real Kestrel through <c>UseAsgi</c>.
/// </summary>
internal static class ParityApps
{
    private static readonly Lazy<string> s_file = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"asgi-parity-{Environment.ProcessId}.txt");
        File.WriteAllText(path, "contents of a file sent with pathsend\n");
        return path;
    });

    public static readonly AsgiApp App = async (scope, receive, send) =>
    {
        if (scope is not HttpScope http)
        {
            throw new NotSupportedException(scope.Type);
        }

        switch (http.Path)
        {
            case "/hello":
                await TestApps.SendText(send, 200, "Hello, world!");
                break;
            case "/empty":
                await send(new HttpResponseStart(200));
                await send(HttpResponseBody.Empty);
                break;
            case "/stream":
                await send(new HttpResponseStart(200, [new("content-type", "text/event-stream")]));
                for (var i = 0; i < 3; i++)
                {
                    await send(new HttpResponseBody(TestApps.Utf8($"data: {i}\n\n"), moreBody: true));
                }

                await send(HttpResponseBody.Empty);
                break;
            case "/stream-final-data":
                await send(new HttpResponseStart(200));
                await send(new HttpResponseBody("abc"u8.ToArray(), moreBody: true));
                await send(new HttpResponseBody("def"u8.ToArray()));
                break;
            case "/declared-length":
                await send(new HttpResponseStart(200, [new("content-length", "6")]));
                await send(new HttpResponseBody("abc"u8.ToArray(), moreBody: true));
                await send(new HttpResponseBody("def"u8.ToArray()));
                break;
            case "/echo":
                await send(new HttpResponseStart(200, [new("content-type", http.Headers.GetFirst("content-type") ?? "application/octet-stream")]));
                // Always streamed, so the response does not depend on how the transport happened to chunk the request.
                while (await receive() is HttpRequestBody chunk)
                {
                    await send(new HttpResponseBody(chunk.Body, moreBody: true));
                    if (!chunk.MoreBody)
                    {
                        break;
                    }
                }

                await send(HttpResponseBody.Empty);
                break;
            case "/scope":
                await TestApps.SendText(send, 200, DescribeScope(http));
                break;
            case "/headers":
                await send(new HttpResponseStart(200,
                [
                    new("content-type", "text/plain"),
                    new("x-tag", "first"),
                    new("x-tag", "second"),
                    new("cache-control", "no-store"),
                ]));
                await send(new HttpResponseBody("headers"u8.ToArray()));
                break;
            case "/latin1-header":
                await send(new HttpResponseStart(200, [new("x-latin1", "caf\u00e9")]));
                await send(new HttpResponseBody("latin1"u8.ToArray()));
                break;
            case "/cookies":
                await send(new HttpResponseStart(200,
                [
                    new("content-type", "text/plain"),
                    new("set-cookie", "session=abc; Path=/; HttpOnly"),
                    new("set-cookie", "theme=dark; Path=/"),
                ]));
                await send(new HttpResponseBody(TestApps.Utf8(http.Headers.GetFirst("cookie") ?? "<no cookie>")));
                break;
            case "/raise-before-start":
                throw new InvalidOperationException("failure before the response started");
            case "/raise-after-start":
                await send(new HttpResponseStart(200));
                await send(new HttpResponseBody("partial"u8.ToArray(), moreBody: true));
                throw new InvalidOperationException("failure after the response started");
            case "/no-response":
                break;
            case "/start-only":
                await send(new HttpResponseStart(200));
                break;
            case "/no-content":
                await send(new HttpResponseStart(204, [new("x-deleted", "1")]));
                await send(HttpResponseBody.Empty);
                break;
            case "/not-modified":
                await send(new HttpResponseStart(304, [new("etag", "\"v1\"")]));
                await send(HttpResponseBody.Empty);
                break;
            case "/trailers":
                await send(new HttpResponseStart(200, [new("content-type", "text/plain"), new("trailer", "x-checksum")], trailers: true));
                await send(new HttpResponseBody("with trailers"u8.ToArray(), moreBody: true));
                await send(new HttpResponseBody("!"u8.ToArray()));
                await send(new HttpResponseTrailers([new("x-checksum", "42")]));
                break;
            case "/pathsend":
                await send(new HttpResponseStart(200, [new("content-type", "text/plain")]));
                await send(new HttpResponsePathSend(s_file.Value));
                break;
            case "/violation/body-before-start":
                await send(new HttpResponseBody("x"u8.ToArray()));
                break;
            case "/violation/upper-case-header":
                await send(new HttpResponseStart(200, [new("X-Upper", "1")]));
                await send(HttpResponseBody.Empty);
                break;
            case "/violation/start-twice":
                await send(new HttpResponseStart(200));
                await send(new HttpResponseStart(200));
                break;
            case "/violation/body-on-204":
                await send(new HttpResponseStart(204));
                await send(new HttpResponseBody("x"u8.ToArray()));
                break;
            case "/violation/bad-content-length":
                await send(new HttpResponseStart(200, [new("content-length", "-1")]));
                await send(HttpResponseBody.Empty);
                break;
            case "/violation/trailers-not-announced":
                await send(new HttpResponseStart(200));
                await send(new HttpResponseTrailers([new("x-a", "1")]));
                break;
            case "/violation/body-after-trailers-pending":
                await send(new HttpResponseStart(200, trailers: true));
                await send(new HttpResponseBody("x"u8.ToArray()));
                await send(new HttpResponseBody("y"u8.ToArray()));
                break;
            case "/violation/body-on-304":
                await send(new HttpResponseStart(304));
                await send(new HttpResponseBody("x"u8.ToArray()));
                break;
            case "/violation/bad-status":
                await send(new HttpResponseStart(42));
                await send(HttpResponseBody.Empty);
                break;
            case "/violation/status-1000":
                await send(new HttpResponseStart(1000));
                await send(HttpResponseBody.Empty);
                break;
            case "/violation/pseudo-header":
                await send(new HttpResponseStart(200, [new(":status", "200")]));
                await send(HttpResponseBody.Empty);
                break;
            case "/violation/header-name-with-space":
                await send(new HttpResponseStart(200, [new("x bad", "1")]));
                await send(HttpResponseBody.Empty);
                break;
            case "/violation/empty-header-name":
                await send(new HttpResponseStart(200, [new("", "1")]));
                await send(HttpResponseBody.Empty);
                break;
            case "/violation/header-value-newline":
                await send(new HttpResponseStart(200, [new("x-a", "one\r\nx-injected: two")]));
                await send(HttpResponseBody.Empty);
                break;
            case "/violation/header-value-beyond-latin1":
                await send(new HttpResponseStart(200, [new("x-a", "\u0100")]));
                await send(HttpResponseBody.Empty);
                break;
            case "/violation/content-length-text":
                await send(new HttpResponseStart(200, [new("content-length", "ten")]));
                await send(HttpResponseBody.Empty);
                break;
            case "/violation/content-length-conflict":
                await send(new HttpResponseStart(200, [new("content-length", "1"), new("content-length", "2")]));
                await send(new HttpResponseBody("x"u8.ToArray()));
                break;
            case "/violation/trailers-before-final-body":
                await send(new HttpResponseStart(200, trailers: true));
                await send(new HttpResponseTrailers([new("x-a", "1")]));
                break;
            case "/violation/debug-after-start":
                await send(new HttpResponseStart(200));
                await send(new HttpResponseDebug(new Dictionary<string, object?>()));
                break;
            case "/violation/websocket-message":
                await send(WebSocketAccept.Default);
                break;
            case "/violation/caught-upper-case-header":
                try
                {
                    await send(new HttpResponseStart(200, [new("X-Upper", "1")]));
                }
                catch (AsgiProtocolException)
                {
                    // An application that hides its own bug: the outcome still records it.
                }

                await TestApps.SendText(send, 200, "recovered");
                break;
            case "/violation/body-after-complete":
                await TestApps.SendText(send, 200, "done");
                await send(new HttpResponseBody("late"u8.ToArray()));
                break;
            case "/raise-after-complete":
                await TestApps.SendText(send, 200, "done");
                throw new InvalidOperationException("failure after the response completed");
            case "/overlapping-sends":
                await OverlappingSendsAsync(http, send);
                break;
            default:
                await TestApps.SendText(send, 404, "Not Found");
                break;
        }
    };

    /// <summary>
    /// Fills the connection until a <c>send</c> is pending (the test does not read yet), tries a second, overlapping
    /// <c>send</c>, tells the test (which then reads), and ends the body with a line saying what the second send did.
    /// </summary>
    private static async Task OverlappingSendsAsync(HttpScope http, AsgiSend send)
    {
        var token = Query(http, "token");
        await send(new HttpResponseStart(200, [new("content-type", "text/plain")]));
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'x');
        ValueTask pending = default;
        var found = false;
        for (var i = 0; i < 1024 && !found; i++)
        {
            pending = send(new HttpResponseBody(chunk, moreBody: true));
            found = !pending.IsCompleted;
            if (!found)
            {
                await pending;
            }
        }

        Task second;
        try
        {
            second = found ? send(new HttpResponseBody("y"u8.ToArray(), moreBody: true)).AsTask() : Task.CompletedTask;
        }
        catch (Exception ex)
        {
            second = Task.FromException(ex);
        }

        ParitySignals.Raise(token);
        if (found)
        {
            await pending;
        }

        string result;
        try
        {
            await second;
            result = found ? "second send completed" : "no send was pending";
        }
        catch (Exception ex)
        {
            result = $"second send raised {ex.GetType().Name}: {ex.Message}";
        }

        await send(new HttpResponseBody(TestApps.Utf8("\n" + result)));
    }

    public static string Query(ConnectionScope scope, string name)
    {
        foreach (var pair in Encoding.Latin1.GetString(scope.QueryString.Span).Split('&'))
        {
            if (pair.StartsWith(name + "=", StringComparison.Ordinal))
            {
                return pair[(name.Length + 1)..];
            }
        }

        throw new InvalidOperationException($"The query has no '{name}'.");
    }

    /// <summary>The scope keys that must not depend on the transport, one per line.</summary>
    private static string DescribeScope(HttpScope scope)
    {
        var extensions = scope.Extensions is null ? "" : string.Join(",", scope.Extensions.Keys.Order(StringComparer.Ordinal));
        return new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"method={scope.Method}")
            .AppendLine(CultureInfo.InvariantCulture, $"http_version={scope.HttpVersion}")
            .AppendLine(CultureInfo.InvariantCulture, $"scheme={scope.Scheme}")
            .AppendLine(CultureInfo.InvariantCulture, $"path={scope.Path}")
            .AppendLine(CultureInfo.InvariantCulture, $"raw_path={Encoding.Latin1.GetString(scope.RawPath!.Value.Span)}")
            .AppendLine(CultureInfo.InvariantCulture, $"query_string={Encoding.Latin1.GetString(scope.QueryString.Span)}")
            .AppendLine(CultureInfo.InvariantCulture, $"root_path={scope.RootPath}")
            .AppendLine(CultureInfo.InvariantCulture, $"extensions={extensions}")
            .AppendLine(CultureInfo.InvariantCulture, $"host_first={scope.Headers[0].Name}")
            .AppendLine(CultureInfo.InvariantCulture, $"lower_case={scope.Headers.All(h => string.Equals(h.Name, h.Name.ToLowerInvariant(), StringComparison.Ordinal))}")
            .AppendLine(CultureInfo.InvariantCulture, $"content-type={scope.Headers.GetFirst("content-type")}")
            .AppendLine(CultureInfo.InvariantCulture, $"content-length={scope.Headers.GetFirst("content-length")}")
            .AppendLine(CultureInfo.InvariantCulture, $"transfer-encoding={scope.Headers.GetFirst("transfer-encoding")}")
            .AppendLine(CultureInfo.InvariantCulture, $"x-multi={string.Join("|", scope.Headers.GetAll("x-multi"))}")
            .ToString();
    }
}
