using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.WebSockets;

namespace AsgiBridge.Tests.WebSockets;

public sealed class WebSocketHandshakeTests
{
    public static TheoryData<WebSocketTransport> AllTransports => [WebSocketTransport.TestServer, WebSocketTransport.Http1, WebSocketTransport.Http2];

    public static TheoryData<WebSocketTransport> KestrelTransports => [WebSocketTransport.Http1, WebSocketTransport.Http2];

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Scope_describes_the_websocket_request(WebSocketTransport transport)
    {
        await using var host = await WebSocketTestHost.StartAsync(transport, async (scope, receive, send) =>
        {
            var ws = Assert.IsType<WebSocketScope>(scope);
            await receive();
            await send(new WebSocketAccept("chat.v2"));
            var json = JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["type"] = ws.Type,
                ["scheme"] = ws.Scheme,
                ["http_version"] = ws.HttpVersion,
                ["path"] = ws.Path,
                ["query_string"] = Encoding.Latin1.GetString(ws.QueryString.Span),
                ["subprotocols"] = ws.Subprotocols,
                ["extensions"] = ws.Extensions?.Keys.ToArray(),
                ["spec_version"] = ws.Asgi.SpecVersion,
                ["has_host"] = ws.Headers.Any(h => h.Name == "host"),
            });
            await send(WebSocketSend.FromText(json));
            await send(WebSocketClose.Normal);
        });

        using var socket = await host.ConnectAsync("/rooms/a%20b?x=1&y=2", ["chat.v1", "chat.v2"]);
        Assert.Equal("chat.v2", socket.SubProtocol);
        var message = await socket.ReceiveMessageAsync();
        using var doc = JsonDocument.Parse(message.Text);
        var root = doc.RootElement;
        Assert.Equal("websocket", root.GetProperty("type").GetString());
        Assert.Equal("ws", root.GetProperty("scheme").GetString());
        Assert.Equal(transport == WebSocketTransport.Http2 ? "2" : "1.1", root.GetProperty("http_version").GetString());
        Assert.Equal("/rooms/a b", root.GetProperty("path").GetString());
        Assert.Equal("x=1&y=2", root.GetProperty("query_string").GetString());
        Assert.Equal(["chat.v1", "chat.v2"], root.GetProperty("subprotocols").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["websocket.http.response"], root.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("2.5", root.GetProperty("spec_version").GetString());
        Assert.True(root.GetProperty("has_host").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Handshake_is_held_until_the_application_accepts(WebSocketTransport transport)
    {
        var connectSeen = TestApps.Signal<bool>();
        var release = TestApps.Signal<bool>();
        await using var host = await WebSocketTestHost.StartAsync(transport, async (scope, receive, send) =>
        {
            Assert.IsType<WebSocketConnect>(await receive());
            connectSeen.SetResult(true);
            await release.Task;
            await send(WebSocketAccept.Default);
            await send(WebSocketSend.FromText("accepted"));
        });

        var connect = host.ConnectAsync();
        await connectSeen.Task.WithTimeout();
        Assert.False(connect.IsCompleted, "the client must not see the handshake complete before websocket.accept");
        release.SetResult(true);
        using var socket = await connect.WithTimeout();
        Assert.Equal("accepted", (await socket.ReceiveMessageAsync()).Text);
    }

    [Theory]
    [MemberData(nameof(KestrelTransports))]
    public async Task Accept_headers_reach_the_client(WebSocketTransport transport)
    {
        await using var host = await WebSocketTestHost.StartAsync(transport, async (scope, receive, send) =>
        {
            await receive();
            await send(new WebSocketAccept(headers: [new("x-room", "lobby"), new("set-cookie", "a=1"), new("set-cookie", "b=2")]));
            await send(WebSocketClose.Normal);
        });

        using var socket = (ClientWebSocket)await host.ConnectAsync();
        var headers = new HttpResponseHeadersSnapshot(socket.HttpResponseHeaders);
        Assert.Equal("lobby", headers.Get("x-room"));
        Assert.Equal("a=1,b=2", headers.Get("set-cookie"));
        Assert.Null(socket.SubProtocol);
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Accept_with_sec_websocket_protocol_header_is_a_protocol_error_and_500(WebSocketTransport transport)
    {
        var outcome = TestApps.Signal<Exception?>();
        await using var host = await WebSocketTestHost.StartAsync(transport, TestApps.Observed(async (scope, receive, send) =>
        {
            await receive();
            await send(new WebSocketAccept(headers: [new("sec-websocket-protocol", "chat")]));
        }, outcome));

        var (status, _) = await host.FailedHandshakeAsync();
        Assert.Equal(500, status);
        var error = Assert.IsType<AsgiProtocolException>(await outcome.Task.WithTimeout());
        Assert.Contains("subprotocol", error.Message, StringComparison.Ordinal);
        Assert.Equal("headers", error.Field);
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Invalid_accept_header_is_rejected_by_the_header_rules(WebSocketTransport transport)
    {
        var outcome = TestApps.Signal<Exception?>();
        await using var host = await WebSocketTestHost.StartAsync(transport, TestApps.Observed(async (scope, receive, send) =>
        {
            await receive();
            await send(new WebSocketAccept(headers: [new("x-bad", "a\r\nset-cookie: evil=1")]));
        }, outcome));

        var (status, _) = await host.FailedHandshakeAsync();
        Assert.Equal(500, status);
        var error = Assert.IsType<AsgiProtocolException>(await outcome.Task.WithTimeout());
        Assert.Contains("CR, LF or NUL", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Close_before_accept_is_403_and_later_receives_report_the_disconnect(WebSocketTransport transport)
    {
        var afterClose = TestApps.Signal<AsgiMessage[]>();
        await using var host = await WebSocketTestHost.StartAsync(transport, async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketClose.Normal);
            afterClose.SetResult([await receive(), await receive()]);
        });

        var (status, _) = await host.FailedHandshakeAsync();
        Assert.Equal(403, status);
        var messages = await afterClose.Task.WithTimeout();
        Assert.All(messages, m => Assert.Equal(1006, Assert.IsType<WebSocketDisconnect>(m).Code));
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Denial_response_sends_the_applications_status_and_headers(WebSocketTransport transport)
    {
        await using var host = await WebSocketTestHost.StartAsync(transport, async (scope, receive, send) =>
        {
            Assert.True(scope.SupportsExtension(AsgiExtensionNames.WebSocketHttpResponse));
            await receive();
            await send(new WebSocketHttpResponseStart(401, [new("content-type", "text/plain"), new("x-denied", "yes")]));
            await send(new WebSocketHttpResponseBody("no "u8.ToArray(), moreBody: true));
            await send(new WebSocketHttpResponseBody("entry"u8.ToArray()));
        });

        var (status, headers) = await host.FailedHandshakeAsync();
        Assert.Equal(401, status);
        if (headers.Available)
        {
            Assert.Equal("yes", headers.Get("x-denied"));
        }
    }

    [Fact]
    public async Task Denial_response_body_arrives_and_then_the_connection_closes()
    {
        await using var host = await WebSocketTestHost.StartAsync(WebSocketTransport.Http1, async (scope, receive, send) =>
        {
            await receive();
            await send(new WebSocketHttpResponseStart(401, [new("content-type", "text/plain"), new("x-denied", "yes")]));
            await send(new WebSocketHttpResponseBody("no "u8.ToArray(), moreBody: true));
            await send(new WebSocketHttpResponseBody("entry"u8.ToArray()));
        });

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host.HttpUri.Host, host.HttpUri.Port);
        var stream = tcp.GetStream();
        var request = $"GET /deny HTTP/1.1\r\nHost: {host.HttpUri.Authority}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
            "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var response = await reader.ReadToEndAsync().WaitAsync(WebSocketTestHost.Timeout);
        Assert.StartsWith("HTTP/1.1 401", response, StringComparison.Ordinal);
        Assert.Contains("x-denied: yes", response, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("connection: close", response, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("\r\n\r\n3\r\nno \r\n5\r\nentry\r\n0\r\n\r\n", response, StringComparison.Ordinal);
        Assert.DoesNotContain("101", response.Split("\r\n")[0], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Application_raising_before_accept_gives_500_and_an_error_log(WebSocketTransport transport)
    {
        await using var host = await WebSocketTestHost.StartAsync(transport, async (scope, receive, send) =>
        {
            await receive();
            throw new InvalidOperationException("boom");
        });

        var (status, _) = await host.FailedHandshakeAsync();
        Assert.Equal(500, status);
        Assert.Contains(host.Logs.Entries, e => e.EventId.Id == 20 && e.Exception?.Message == "boom");
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Application_returning_without_answer_gives_500(WebSocketTransport transport)
    {
        await using var host = await WebSocketTestHost.StartAsync(transport, async (scope, receive, send) => await receive());

        var (status, _) = await host.FailedHandshakeAsync();
        Assert.Equal(500, status);
        Assert.Contains(host.Logs.Entries, e => e.EventId.Id == 22);
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Receive_before_accept_after_connect_is_a_protocol_error(WebSocketTransport transport)
    {
        var outcome = TestApps.Signal<Exception?>();
        await using var host = await WebSocketTestHost.StartAsync(transport, TestApps.Observed(async (scope, receive, send) =>
        {
            await receive();
            await receive();
        }, outcome));

        var (status, _) = await host.FailedHandshakeAsync();
        Assert.Equal(500, status);
        Assert.IsType<AsgiProtocolException>(await outcome.Task.WithTimeout());
    }

    [Theory]
    [MemberData(nameof(KestrelTransports))]
    public async Task Disallowed_origin_is_403_before_the_application_runs(WebSocketTransport transport)
    {
        var ran = 0;
        await using var host = await WebSocketTestHost.StartAsync(transport, async (scope, receive, send) =>
        {
            Interlocked.Increment(ref ran);
            await TestApps.Echo(scope, receive, send);
        }, options => options.WebSocketAllowedOrigins.Add("https://good.example"));

        var (status, _) = await host.FailedHandshakeAsync(configure: o => o.SetRequestHeader("Origin", "https://evil.example"));
        Assert.Equal(403, status);
        Assert.Equal(0, Volatile.Read(ref ran));

        // ASP.NET Core's WebSocket middleware checks origins, as browsers send them (RFC 6454: lower-case scheme and host).
        using var socket = await host.ConnectAsync(configure: o => o.SetRequestHeader("Origin", "https://good.example"));
        await socket.SendTextAsync("hi");
        Assert.Equal("hi", (await socket.ReceiveMessageAsync()).Text);
    }

    [Theory]
    [MemberData(nameof(KestrelTransports))]
    public async Task Permessage_deflate_is_negotiated_when_enabled(WebSocketTransport transport)
    {
        await using var host = await WebSocketTestHost.StartAsync(transport, TestApps.Echo, options => options.EnableWebSocketCompression = true);

        using var socket = (ClientWebSocket)await host.ConnectAsync(configure: o => o.DangerousDeflateOptions = new WebSocketDeflateOptions());
        Assert.Contains("permessage-deflate", new HttpResponseHeadersSnapshot(socket.HttpResponseHeaders).Get("sec-websocket-extensions"), StringComparison.Ordinal);
        var text = new string('a', 100_000);
        await socket.SendTextAsync(text);
        Assert.Equal(text, (await socket.ReceiveMessageAsync()).Text);
    }

    [Fact]
    public async Task Permessage_deflate_is_off_by_default()
    {
        await using var host = await WebSocketTestHost.StartAsync(WebSocketTransport.Http1, TestApps.Echo);

        using var socket = (ClientWebSocket)await host.ConnectAsync(configure: o => o.DangerousDeflateOptions = new WebSocketDeflateOptions());
        Assert.Null(new HttpResponseHeadersSnapshot(socket.HttpResponseHeaders).Get("sec-websocket-extensions"));
    }

    [Fact]
    public async Task Without_EnableWebSockets_the_request_reaches_the_application_as_http()
    {
        var scopeType = TestApps.Signal<string>();
        await using var host = await WebSocketTestHost.StartAsync(WebSocketTransport.Http1, async (scope, receive, send) =>
        {
            scopeType.TrySetResult(scope.Type);
            await send(new HttpResponseStart(404));
            await send(new HttpResponseBody());
        }, options => options.EnableWebSockets = false);

        var (status, _) = await host.FailedHandshakeAsync();
        Assert.Equal(404, status);
        Assert.Equal("http", await scopeType.Task.WithTimeout());
    }
}
