using System.Globalization;
using System.Text;
using AsgiBridge.Messages;

namespace AsgiBridge.Testing.Tests.Parity;

/// <summary>The WebSocket half of the shared suite: one application dispatching on the path.</summary>
internal static class WebSocketParityApps
{
    private static async Task OverlappingSendsAsync(WebSocketScope ws, AsgiSend send)
    {
        var token = ParityApps.Query(ws, "token");
        await send(WebSocketAccept.Default);
        var chunk = new byte[64 * 1024];
        ValueTask pending = default;
        var found = false;
        for (var i = 0; i < 1024 && !found; i++)
        {
            pending = send(WebSocketSend.FromBytes(chunk));
            found = !pending.IsCompleted;
            if (!found)
            {
                await pending;
            }
        }

        Task second;
        try
        {
            second = found ? send(WebSocketSend.FromText("second")).AsTask() : Task.CompletedTask;
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

        await send(WebSocketSend.FromText(result));
        await send(WebSocketClose.Normal);
    }

    private static string DescribeScope(WebSocketScope scope)
    {
        var extensions = scope.Extensions is null ? "" : string.Join(",", scope.Extensions.Keys.Order(StringComparer.Ordinal));
        return new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"http_version={scope.HttpVersion}")
            .AppendLine(CultureInfo.InvariantCulture, $"scheme={scope.Scheme}")
            .AppendLine(CultureInfo.InvariantCulture, $"path={scope.Path}")
            .AppendLine(CultureInfo.InvariantCulture, $"raw_path={Encoding.Latin1.GetString(scope.RawPath!.Value.Span)}")
            .AppendLine(CultureInfo.InvariantCulture, $"query_string={Encoding.Latin1.GetString(scope.QueryString.Span)}")
            .AppendLine(CultureInfo.InvariantCulture, $"root_path={scope.RootPath}")
            .AppendLine(CultureInfo.InvariantCulture, $"subprotocols={string.Join(",", scope.Subprotocols)}")
            .AppendLine(CultureInfo.InvariantCulture, $"extensions={extensions}")
            .AppendLine(CultureInfo.InvariantCulture, $"host_first={scope.Headers[0].Name}")
            .AppendLine(CultureInfo.InvariantCulture, $"lower_case={scope.Headers.All(h => string.Equals(h.Name, h.Name.ToLowerInvariant(), StringComparison.Ordinal))}")
            .AppendLine(CultureInfo.InvariantCulture, $"sec-websocket-version={scope.Headers.GetFirst("sec-websocket-version")}")
            .AppendLine(CultureInfo.InvariantCulture, $"sec-websocket-protocol={scope.Headers.GetFirst("sec-websocket-protocol")}")
            .AppendLine(CultureInfo.InvariantCulture, $"x-custom={scope.Headers.GetFirst("x-custom")}")
            .ToString();
    }

    public static readonly AsgiApp App = async (scope, receive, send) =>
    {
        if (scope is not WebSocketScope ws)
        {
            await ParityApps.App(scope, receive, send);
            return;
        }

        Assert.IsType<WebSocketConnect>(await receive());
        switch (ws.Path)
        {
            case "/ws/echo":
                await send(new WebSocketAccept(ws.Subprotocols.Count > 0 ? ws.Subprotocols[^1] : null));
                while (await receive() is WebSocketReceive message)
                {
                    if (message.Text == "close-me")
                    {
                        await send(new WebSocketClose(4001, "asked to"));
                        return;
                    }

                    await send(message.Text is { } text ? WebSocketSend.FromText("echo:" + text) : WebSocketSend.FromBytes(message.Bytes!.Value));
                }

                break;
            case "/ws/close-before-accept":
                await send(WebSocketClose.Normal);
                break;
            case "/ws/denial":
                await send(new WebSocketHttpResponseStart(401, [new("content-type", "text/plain")]));
                await send(new WebSocketHttpResponseBody("no token"u8.ToArray()));
                break;
            case "/ws/raise-before-accept":
                throw new InvalidOperationException("failure before accept");
            case "/ws/raise-after-accept":
                await send(WebSocketAccept.Default);
                await receive();
                throw new InvalidOperationException("failure after accept");
            case "/ws/return-while-open":
                await send(WebSocketAccept.Default);
                break;
            case "/ws/scope":
                await send(new WebSocketAccept(ws.Subprotocols.Count > 0 ? ws.Subprotocols[0] : null));
                await send(WebSocketSend.FromText(DescribeScope(ws)));
                await send(WebSocketClose.Normal);
                break;
            case "/ws/accept-unoffered-subprotocol":
                await send(new WebSocketAccept("not-offered"));
                break;
            case "/ws/accept-with-protocol-header":
                await send(new WebSocketAccept(null, [new("sec-websocket-protocol", "chat")]));
                break;
            case "/ws/accept-upper-case-header":
                await send(new WebSocketAccept(null, [new("X-Upper", "1")]));
                break;
            case "/ws/send-before-accept":
                await send(WebSocketSend.FromText("too early"));
                break;
            case "/ws/close-code":
                await send(WebSocketAccept.Default);
                await send(new WebSocketClose(int.Parse(ParityApps.Query(ws, "code"), CultureInfo.InvariantCulture)));
                break;
            case "/ws/close-long-reason":
                await send(WebSocketAccept.Default);
                await send(new WebSocketClose(4000, new string('r', 200)));
                break;
            case "/ws/close-twice":
                await send(WebSocketAccept.Default);
                await send(new WebSocketClose(4000, "first"));
                await send(new WebSocketClose(4001, "second"));
                break;
            case "/ws/invalid-message":
                await send(WebSocketAccept.Default);
                await send(new WebSocketSend(new byte[] { 1 }, "both"));
                break;
            case "/ws/wait-for-disconnect":
                await send(WebSocketAccept.Default);
                while (await receive() is not WebSocketDisconnect)
                {
                }

                break;
            case "/ws/send-after-client-close":
                await send(WebSocketAccept.Default);
                while (await receive() is not WebSocketDisconnect)
                {
                }

                await send(WebSocketSend.FromText("anyone?"));
                break;
            case "/ws/overlapping-sends":
                await OverlappingSendsAsync(ws, send);
                break;
        }
    };
}
