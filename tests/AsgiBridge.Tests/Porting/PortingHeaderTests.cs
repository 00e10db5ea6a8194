using System.Net.WebSockets;
using System.Text;
using AsgiBridge.Hosting;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Http;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.TestInfrastructure.WebSockets;

namespace AsgiBridge.Tests.Porting;

/// <summary>Issue 11.1 and 11.2 on real Kestrel: upper-case response header names, and header bytes carried unchanged.</summary>
public sealed class PortingHeaderTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    private static async Task UppercaseApp(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        if (scope is WebSocketScope)
        {
            await receive();
            await send(new WebSocketAccept(headers: [new("X-Room", "Lobby")]));
            await send(new WebSocketClose(1000));
            return;
        }

        await send(new HttpResponseStart(200, [new("Content-Type", "text/plain"), new("X-Special", "Yes")]));
        await send(new HttpResponseBody("ok"u8.ToArray()));
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Upper_case_response_header_names_are_sent_lower_cased(KestrelProtocol protocol)
    {
        await using var host = await KestrelTestHost.StartAsync(UppercaseApp);

        using var response = await host.CreateClient(protocol).GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("Yes", Assert.Single(response.Headers.GetValues("x-special")));
        Assert.Null((await host.WaitForOutcomeAsync(response)).Failure);
    }

    [Fact]
    public async Task Upper_case_names_in_websocket_accept_headers_are_lower_cased()
    {
        await using var host = await KestrelTestHost.StartAsync(UppercaseApp);
        using var client = host.CreateWebSocketClient(KestrelProtocol.Http1);

        await client.ConnectAsync("/");

        Assert.Equal("Lobby", Assert.Single(client.Socket.HttpResponseHeaders!["X-Room"]));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, (await client.Socket.ReceiveMessageAsync()).CloseStatus);
        await client.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        Assert.Null((await host.WaitForOutcomeAsync(client.RequestId)).Failure);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task The_strict_option_makes_send_raise_and_the_client_get_500(KestrelProtocol protocol)
    {
        await using var host = await KestrelTestHost.StartAsync(UppercaseApp, asgi: o => o.RejectUppercaseResponseHeaderNames = true);

        using var response = await host.CreateClient(protocol).GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(500, (int)response.StatusCode);
        var outcome = await host.WaitForOutcomeAsync(response);
        Assert.Equal(AsgiConnectionEnd.ApplicationError, outcome.End);
        Assert.Contains("Content-Type", Assert.IsType<AsgiProtocolException>(outcome.Failure).Message, StringComparison.Ordinal);
    }

    /// <summary>What the app saw of the request's <c>x-name</c> header, as bytes; it answers with them in <c>x-echo</c>.</summary>
    private static AsgiApp EchoHeaderBytes(TaskCompletionSource<byte[]> seen) => async (scope, receive, send) =>
    {
        var connection = (ConnectionScope)scope;
        var typed = connection.Headers.GetFirst("x-name")!;
        var pair = ((List<object?>)scope["headers"]!).Cast<List<object?>>().Single(h => Encoding.Latin1.GetString((byte[])h[0]!) == "x-name");
        Assert.Equal(Encoding.Latin1.GetBytes(typed), (byte[])pair[1]!);
        seen.TrySetResult((byte[])pair[1]!);
        if (scope is WebSocketScope)
        {
            await receive();
            await send(new WebSocketAccept(headers: [new("x-echo", typed)]));
            await send(new WebSocketClose(1000));
            return;
        }

        await send(new HttpResponseStart(200, [new("x-echo", typed)]));
        await send(new HttpResponseBody());
    };

    [Fact]
    public async Task Request_header_bytes_reach_the_http_scope_exactly_and_go_back_unchanged_over_http1()
    {
        var seen = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelTestHost.StartAsync(EchoHeaderBytes(seen));
        await using var connection = await RawHttpConnection.ConnectAsync(host.Http1Address);

        await connection.SendAsync("GET / HTTP/1.1\r\nHost: x\r\nx-name: abra\u00c3\u00a3o\r\nConnection: close\r\n\r\n");
        var received = await connection.ReadToEndAsync();

        Assert.Equal(new byte[] { 0x61, 0x62, 0x72, 0x61, 0xC3, 0xA3, 0x6F }, await seen.Task.WaitAsync(s_timeout));
        Assert.Contains("\r\nx-echo: abra\u00c3\u00a3o\r\n", received, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_header_bytes_reach_the_http_scope_exactly_over_h2c()
    {
        var seen = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelTestHost.StartAsync(EchoHeaderBytes(seen));
        var client = host.CreateClient(KestrelProtocol.Http2, handler =>
        {
            handler.RequestHeaderEncodingSelector = (_, _) => Encoding.Latin1;
            handler.ResponseHeaderEncodingSelector = (_, _) => Encoding.Latin1;
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("x-name", "abra\u00c3\u00a3o");

        using var response = await client.SendAsync(request);

        Assert.Equal(new byte[] { 0x61, 0x62, 0x72, 0x61, 0xC3, 0xA3, 0x6F }, await seen.Task.WaitAsync(s_timeout));
        Assert.Equal("abra\u00c3\u00a3o", Assert.Single(response.Headers.NonValidated["x-echo"]));
    }

    [Fact]
    public async Task Request_header_bytes_reach_the_websocket_scope_exactly()
    {
        var seen = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelTestHost.StartAsync(EchoHeaderBytes(seen));
        await using var connection = await RawHttpConnection.ConnectAsync(host.Http1Address);

        await connection.SendAsync("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nx-name: abra\u00c3\u00a3o\r\n\r\n");
        var head = await connection.ReadUntilAsync("\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 101", head, StringComparison.Ordinal);
        Assert.Contains("\r\nx-echo: abra\u00c3\u00a3o\r\n", head, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(new byte[] { 0x61, 0x62, 0x72, 0x61, 0xC3, 0xA3, 0x6F }, await seen.Task.WaitAsync(s_timeout));
    }
}
