using AsgiBridge.Messages;
using AsgiBridge.Testing;
using AsgiBridge.Toolkit.Tests.Requests;
using AsgiBridge.Toolkit;

namespace AsgiBridge.Toolkit.Tests.Endpoints;

public sealed class WebSocketSessionTests
{
    private static async Task<(AsgiWebSocket Socket, ApplicationSide Side)> CreateAsync(params AsgiMessage[] incoming)
    {
        var scope = Asgi.WebSocket("/ws", subprotocols: ["v2.chat", "v1.chat"]);
        var side = await ApplicationSide.StartAsync(scope, incoming);
        return (new AsgiWebSocket(scope, side.Receive, side.Send), side);
    }

    [Fact]
    public async Task Accept_waits_for_connect_and_sends_the_chosen_subprotocol_and_headers()
    {
        var (socket, side) = await CreateAsync();

        var accept = socket.AcceptAsync("v2.chat", [new("x-session", "7")]);
        Assert.False(accept.IsCompleted);
        Assert.Equal(AsgiWebSocketState.Connecting, socket.State);
        await side.Communicator.SendInputAsync(WebSocketConnect.Instance);
        await accept.WaitAsync(Asgi.Timeout);

        var sent = Assert.IsType<WebSocketAccept>(Assert.Single(side.Communicator.GetOutput()));
        Assert.Equal("v2.chat", sent.Subprotocol);
        Assert.Equal("7", sent.Headers.GetFirst("x-session"));
        Assert.Equal(AsgiWebSocketState.Connected, socket.State);
    }

    [Fact]
    public async Task Accepting_twice_throws()
    {
        var (socket, side) = await CreateAsync(WebSocketConnect.Instance);
        await socket.AcceptAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => socket.AcceptAsync());
        Assert.Single(side.Communicator.GetOutput());
    }

    [Fact]
    public async Task Accept_rejects_a_first_message_that_is_not_connect()
    {
        var (socket, _) = await CreateAsync(WebSocketReceive.FromText("early"));

        await Assert.ThrowsAsync<AsgiProtocolException>(() => socket.AcceptAsync());
    }

    [Fact]
    public async Task Receive_text_bytes_and_json()
    {
        var (socket, _) = await CreateAsync(
            WebSocketConnect.Instance,
            WebSocketReceive.FromText("hello"),
            WebSocketReceive.FromBytes(new byte[] { 1, 2, 3 }),
            WebSocketReceive.FromText("{\"item\":\"pen\",\"quantity\":2}"),
            WebSocketReceive.FromBytes("{\"item\":\"cap\",\"quantity\":5}"u8.ToArray()),
            WebSocketReceive.FromText("{\"Item\":\"ink\",\"Quantity\":1}"));
        await socket.AcceptAsync();

        Assert.Equal("hello", await socket.ReceiveTextAsync());
        Assert.Equal([1, 2, 3], (await socket.ReceiveBytesAsync()).ToArray());
        Assert.Equal(new Order("pen", 2), await socket.ReceiveJsonAsync(ToolkitJsonContext.Default.Order));
        Assert.Equal(new Order("cap", 5), await socket.ReceiveJsonAsync(ToolkitJsonContext.Default.Order));
        Assert.Equal(new Order("ink", 1), await socket.ReceiveJsonAsync<Order>());
    }

    [Fact]
    public async Task Receiving_the_wrong_kind_throws_InvalidDataException()
    {
        var (socket, _) = await CreateAsync(WebSocketConnect.Instance, WebSocketReceive.FromBytes(new byte[] { 1 }), WebSocketReceive.FromText("t"));
        await socket.AcceptAsync();

        await Assert.ThrowsAsync<InvalidDataException>(() => socket.ReceiveTextAsync());
        await Assert.ThrowsAsync<InvalidDataException>(() => socket.ReceiveBytesAsync());
    }

    [Fact]
    public async Task Receive_before_accept_throws()
    {
        var (socket, _) = await CreateAsync(WebSocketConnect.Instance);

        await Assert.ThrowsAsync<InvalidOperationException>(() => socket.ReceiveAsync());
    }

    [Fact]
    public async Task Iteration_yields_messages_and_ends_on_disconnect()
    {
        var (socket, side) = await CreateAsync(WebSocketConnect.Instance, WebSocketReceive.FromText("a"), WebSocketReceive.FromBytes("b"u8.ToArray()));
        await socket.AcceptAsync();
        await side.Communicator.SendInputAsync(new WebSocketDisconnect(1001, "going away"));

        var texts = new List<string>();
        await foreach (var text in socket.ReadTextMessagesAsync())
        {
            texts.Add(text);
        }

        Assert.Equal(["a", "b"], texts);
        Assert.Equal(AsgiWebSocketState.Closed, socket.State);
        Assert.Equal(1001, socket.CloseCode);
    }

    [Fact]
    public async Task Receive_after_disconnect_throws_with_the_code_and_reason()
    {
        var (socket, _) = await CreateAsync(WebSocketConnect.Instance, new WebSocketDisconnect(4000, "bye now"));
        await socket.AcceptAsync();

        var first = await Assert.ThrowsAsync<AsgiWebSocketDisconnectedException>(() => socket.ReceiveTextAsync());
        var again = await Assert.ThrowsAsync<AsgiWebSocketDisconnectedException>(() => socket.ReceiveAsync());

        Assert.Equal(4000, first.Code);
        Assert.Equal("bye now", first.Reason);
        Assert.Contains("4000", first.Message, StringComparison.Ordinal);
        Assert.Equal(4000, again.Code);
        Assert.Equal("bye now", again.Reason);
        Assert.IsAssignableFrom<AsgiClientDisconnectedException>(first);
    }

    [Fact]
    public async Task Send_text_bytes_and_json()
    {
        var (socket, side) = await CreateAsync(WebSocketConnect.Instance);
        await socket.AcceptAsync();

        await socket.SendTextAsync("hi");
        await socket.SendBytesAsync(new byte[] { 9, 8 });
        await socket.SendJsonAsync(new Order("pen", 1), ToolkitJsonContext.Default.Order);
        await socket.SendJsonAsync(new { Ok = true });

        var sent = side.Communicator.GetOutput().Skip(1).Cast<WebSocketSend>().ToList();
        Assert.Equal("hi", sent[0].Text);
        Assert.Null(sent[0].Bytes);
        Assert.Equal([9, 8], sent[1].Bytes!.Value.ToArray());
        Assert.Null(sent[1].Text);
        Assert.Equal("{\"item\":\"pen\",\"quantity\":1}", sent[2].Text);
        Assert.Equal("{\"ok\":true}", sent[3].Text);
    }

    [Fact]
    public async Task Send_before_accept_throws()
    {
        var (socket, side) = await CreateAsync(WebSocketConnect.Instance);

        await Assert.ThrowsAsync<InvalidOperationException>(() => socket.SendTextAsync("too early"));
        Assert.Empty(side.Communicator.GetOutput());
    }

    [Fact]
    public async Task Close_before_accept_reads_connect_and_denies_the_connection()
    {
        var (socket, side) = await CreateAsync(WebSocketConnect.Instance);

        await socket.CloseAsync(1008, "policy");

        var close = Assert.IsType<WebSocketClose>(Assert.Single(side.Communicator.GetOutput()));
        Assert.Equal(1008, close.Code);
        Assert.Equal("policy", close.Reason);
        Assert.Equal(1, side.Communicator.ReceiveCount);
        Assert.Equal(AsgiWebSocketState.Closed, socket.State);
    }

    [Fact]
    public async Task Close_after_accept_sends_close_once()
    {
        var (socket, side) = await CreateAsync(WebSocketConnect.Instance);
        await socket.AcceptAsync();

        await socket.CloseAsync();
        await socket.CloseAsync(4001);

        var sent = side.Communicator.GetOutput();
        Assert.Equal(2, sent.Count);
        var close = Assert.IsType<WebSocketClose>(sent[1]);
        Assert.Equal(1000, close.Code);
        Assert.Equal(1000, socket.CloseCode);
        await Assert.ThrowsAsync<AsgiWebSocketDisconnectedException>(() => socket.ReceiveAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => socket.SendTextAsync("after close"));
    }

    [Fact]
    public async Task Echo_endpoint_through_a_router_websocket_route()
    {
        var router = new AsgiRouter().MapWebSocket("/echo/{name}", async socket =>
        {
            await socket.AcceptAsync(socket.Scope.Subprotocols.Count > 0 ? socket.Scope.Subprotocols[0] : null);
            await foreach (var text in socket.ReadTextMessagesAsync())
            {
                await socket.SendTextAsync($"{socket.PathParams["name"]}: {text}");
            }
        });
        await using var communicator = new AsgiCommunicator(router.App, Asgi.WebSocket("/echo/bot", subprotocols: ["echo"]));
        await communicator.SendInputAsync(WebSocketConnect.Instance);
        await communicator.SendInputAsync(WebSocketReceive.FromText("one"));
        await communicator.SendInputAsync(WebSocketReceive.FromText("two"));

        Assert.Equal("echo", (await communicator.ReceiveOutputAsync<WebSocketAccept>(Asgi.Timeout)).Subprotocol);
        Assert.Equal("bot: one", (await communicator.ReceiveOutputAsync<WebSocketSend>(Asgi.Timeout)).Text);
        Assert.Equal("bot: two", (await communicator.ReceiveOutputAsync<WebSocketSend>(Asgi.Timeout)).Text);
        await communicator.SendInputAsync(new WebSocketDisconnect(1000));
        await communicator.WaitAsync(Asgi.Timeout);
    }

    [Fact]
    public async Task FromWebSocket_rejects_http_scopes()
    {
        var app = AsgiHandlers.FromWebSocket(_ => Task.CompletedTask);

        await using var communicator = new AsgiCommunicator(app, Asgi.Http("/"));

        await Assert.ThrowsAsync<NotSupportedException>(() => communicator.WaitAsync(Asgi.Timeout));
    }
}
