using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.WebSockets;

namespace AsgiBridge.Tests.WebSockets;

public sealed class WebSocketMessageTests
{
    public static TheoryData<WebSocketTransport> AllTransports => WebSocketHandshakeTests.AllTransports;

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Text_and_binary_messages_round_trip_with_their_type(WebSocketTransport transport)
    {
        await using var host = await WebSocketTestHost.StartAsync(transport, TestApps.Echo);
        using var socket = await host.ConnectAsync();

        await socket.SendTextAsync("héllo ✓");
        var text = await socket.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Text, text.Type);
        Assert.Equal("héllo ✓", text.Text);

        await socket.SendBytesAsync([0, 1, 2, 255]);
        var bytes = await socket.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Binary, bytes.Type);
        Assert.Equal([0, 1, 2, 255], bytes.Data);

        await socket.SendTextAsync(string.Empty);
        Assert.Equal((WebSocketMessageType.Text, 0), ((await socket.ReceiveMessageAsync()).Type, 0));
        await socket.SendBytesAsync([]);
        var empty = await socket.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Binary, empty.Type);
        Assert.Empty(empty.Data);
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Fragmented_messages_arrive_as_one_receive_each(WebSocketTransport transport)
    {
        // The application reports every event it got, so a split delivery would show up as extra entries.
        await using var host = await WebSocketTestHost.StartAsync(transport, async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            var seen = new List<string>();
            for (var i = 0; i < 2; i++)
            {
                var message = Assert.IsType<WebSocketReceive>(await receive());
                seen.Add(message.Text is { } t ? "text:" + t : "bytes:" + Convert.ToHexString(message.Bytes!.Value.Span));
            }

            await send(WebSocketSend.FromText(JsonSerializer.Serialize(seen)));
        });
        using var socket = await host.ConnectAsync();
        using var timeout = new CancellationTokenSource(WebSocketTestHost.Timeout);

        // "wörld" with the two bytes of 'ö' split across frames.
        var utf8 = Encoding.UTF8.GetBytes("hello wörld");
        await socket.SendAsync(utf8.AsMemory(0, 7), WebSocketMessageType.Text, endOfMessage: false, timeout.Token);
        await socket.SendAsync(utf8.AsMemory(7, 1), WebSocketMessageType.Text, endOfMessage: false, timeout.Token);
        await socket.SendAsync(utf8.AsMemory(8), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        await socket.SendAsync(new byte[] { 1, 2 }, WebSocketMessageType.Binary, endOfMessage: false, timeout.Token);
        await socket.SendAsync(Array.Empty<byte>(), WebSocketMessageType.Binary, endOfMessage: false, timeout.Token);
        await socket.SendAsync(new byte[] { 3 }, WebSocketMessageType.Binary, endOfMessage: true, timeout.Token);

        var report = JsonSerializer.Deserialize<string[]>((await socket.ReceiveMessageAsync()).Text)!;
        Assert.Equal(["text:hello wörld", "bytes:010203"], report);
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task One_MiB_messages_round_trip(WebSocketTransport transport)
    {
        await using var host = await WebSocketTestHost.StartAsync(transport, TestApps.Echo);
        using var socket = await host.ConnectAsync();

        var bytes = new byte[1024 * 1024];
        new Random(42).NextBytes(bytes);
        await socket.SendBytesAsync(bytes);
        Assert.Equal(bytes, (await socket.ReceiveMessageAsync()).Data);

        var text = string.Create(1024 * 1024, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)('a' + (i % 26));
            }
        });
        await socket.SendTextAsync(text);
        Assert.Equal(text, (await socket.ReceiveMessageAsync()).Text);
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Message_over_the_size_limit_closes_with_1009(WebSocketTransport transport)
    {
        var disconnect = TestApps.Signal<WebSocketDisconnect>();
        await using var host = await WebSocketTestHost.StartAsync(transport, async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            AsgiMessage message;
            while ((message = await receive()) is WebSocketReceive received)
            {
                await send(WebSocketSend.FromText("ok:" + received.Bytes!.Value.Length));
            }

            disconnect.SetResult(Assert.IsType<WebSocketDisconnect>(message));
        }, options => options.MaxWebSocketMessageSize = 1024);
        using var socket = await host.ConnectAsync();

        await socket.SendBytesAsync(new byte[1024]);
        Assert.Equal("ok:1024", (await socket.ReceiveMessageAsync()).Text);

        // Fragments that only together pass the limit.
        using var timeout = new CancellationTokenSource(WebSocketTestHost.Timeout);
        await socket.SendAsync(new byte[600], WebSocketMessageType.Binary, endOfMessage: false, timeout.Token);
        await socket.SendAsync(new byte[600], WebSocketMessageType.Binary, endOfMessage: true, timeout.Token);
        var close = await socket.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Close, close.Type);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, close.CloseStatus);
        Assert.Equal(1009, (await disconnect.Task.WithTimeout()).Code);
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Oversized_single_frame_closes_with_1009(WebSocketTransport transport)
    {
        var disconnect = TestApps.Signal<WebSocketDisconnect>();
        await using var host = await WebSocketTestHost.StartAsync(transport, async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            disconnect.SetResult(Assert.IsType<WebSocketDisconnect>(await receive()));
        }, options => options.MaxWebSocketMessageSize = 100_000);
        using var socket = await host.ConnectAsync();

        _ = socket.SendBytesAsync(new byte[1024 * 1024]);
        var close = await socket.ReceiveMessageAsync();
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, close.CloseStatus);
        Assert.Equal(1009, (await disconnect.Task.WithTimeout()).Code);
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Invalid_utf8_text_closes_with_1007(WebSocketTransport transport)
    {
        var disconnect = TestApps.Signal<WebSocketDisconnect>();
        await using var host = await WebSocketTestHost.StartAsync(transport, async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            disconnect.SetResult(Assert.IsType<WebSocketDisconnect>(await receive()));
        });
        using var socket = await host.ConnectAsync();
        using var timeout = new CancellationTokenSource(WebSocketTestHost.Timeout);

        await socket.SendAsync(new byte[] { (byte)'a', 0xC3, 0x28 }, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        Assert.Equal(1007, (await disconnect.Task.WithTimeout()).Code);

        // System.Net.WebSockets sends the 1007 close frame and then aborts the connection at once, so a client may see
        // the reset before the close frame; when the frame arrives first it must carry 1007.
        try
        {
            var close = await socket.ReceiveMessageAsync();
            Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, close.CloseStatus);
        }
        catch (WebSocketException) when (transport != WebSocketTransport.TestServer)
        {
            Assert.Equal(WebSocketState.Aborted, socket.State);
        }
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Send_with_both_or_neither_payload_is_a_protocol_error(WebSocketTransport transport)
    {
        await using var host = await WebSocketTestHost.StartAsync(transport, async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            var both = await Assert.ThrowsAsync<AsgiProtocolException>(async () => await send(new WebSocketSend(new byte[] { 1 }, "x")));
            var neither = await Assert.ThrowsAsync<AsgiProtocolException>(async () => await send(new WebSocketSend(null, null)));
            var accept = await Assert.ThrowsAsync<AsgiProtocolException>(async () => await send(WebSocketAccept.Default));
            await send(WebSocketSend.FromText($"{both.Message.Contains("both", StringComparison.Ordinal)} {neither.Message.Contains("neither", StringComparison.Ordinal)} {accept.MessageType}"));
            await send(new WebSocketSend(null, "null bytes key is fine"));
        });
        using var socket = await host.ConnectAsync();

        Assert.Equal("True True websocket.accept", (await socket.ReceiveMessageAsync()).Text);
        Assert.Equal("null bytes key is fine", (await socket.ReceiveMessageAsync()).Text);
    }
}
