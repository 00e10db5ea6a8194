using System.Net.WebSockets;
using System.Text;
using AsgiBridge.Hosting;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.WebSockets;
using AsgiBridge.WebSockets;
using Microsoft.Extensions.Logging.Abstractions;

namespace AsgiBridge.Tests.WebSockets;

public sealed class WebSocketConcurrencyTests
{
    public static TheoryData<WebSocketTransport> AllTransports => WebSocketHandshakeTests.AllTransports;

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Five_hundred_concurrent_connections_echo_without_loss(WebSocketTransport transport)
    {
        const int Connections = 500, Messages = 4;
        await using var host = await WebSocketTestHost.StartAsync(transport, TestApps.Echo);

        var results = await Task.WhenAll(Enumerable.Range(0, Connections).Select(async id =>
        {
            using var socket = await host.ConnectAsync();
            var echoed = new List<string>();
            for (var i = 0; i < Messages; i++)
            {
                var text = $"{id}:{i}";
                await socket.SendTextAsync(text);
                echoed.Add((await socket.ReceiveMessageAsync()).Text);
            }

            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure);
            return (id, echoed);
        })).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(Connections, results.Length);
        Assert.All(results, r => Assert.Equal(Enumerable.Range(0, Messages).Select(i => $"{r.id}:{i}"), r.echoed));
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task A_send_may_run_while_a_receive_is_pending(WebSocketTransport transport)
    {
        await using var host = await WebSocketTestHost.StartAsync(transport, async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            var pending = receive().AsTask();
            await send(WebSocketSend.FromText("sent while receiving"));
            var message = Assert.IsType<WebSocketReceive>(await pending);
            await send(WebSocketSend.FromText("got " + message.Text));
        });
        using var socket = await host.ConnectAsync();

        Assert.Equal("sent while receiving", (await socket.ReceiveMessageAsync()).Text);
        await socket.SendTextAsync("ping");
        Assert.Equal("got ping", (await socket.ReceiveMessageAsync()).Text);
    }

    [Fact]
    public async Task Overlapping_sends_wait_their_turn_in_call_order()
    {
        var socket = new ScriptedWebSocket();
        var context = ScriptedWebSocketFeature.CreateContext(socket, out _);
        var cycle = ScriptedCycle.Create(context);
        await cycle.Receive();
        await cycle.Send(WebSocketAccept.Default);

        socket.SendGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = cycle.Send(WebSocketSend.FromText("one")).AsTask();
        await socket.SendStarted.Task.WithTimeout();
        var second = cycle.Send(WebSocketSend.FromText("two")).AsTask();
        var third = cycle.Send(WebSocketSend.FromText("three")).AsTask();
        Assert.False(second.IsCompleted);
        Assert.False(third.IsCompleted);

        socket.SendGate.SetResult();
        await Task.WhenAll(first, second, third).WithTimeout();
        Assert.Equal(["one", "two", "three"], socket.Sent.Select(s => Encoding.UTF8.GetString(s.Data)));
    }

    [Fact]
    public async Task A_receive_started_while_another_is_pending_returns_the_same_message()
    {
        var socket = new ScriptedWebSocket();
        var context = ScriptedWebSocketFeature.CreateContext(socket, out _);
        var cycle = ScriptedCycle.Create(context);
        await cycle.Receive();
        await cycle.Send(WebSocketAccept.Default);

        // The Python idiom asyncio.wait_for(receive(), t): the first receive is abandoned, the next one gets its message.
        var abandoned = cycle.Receive().AsTask();
        var next = cycle.Receive().AsTask();
        socket.Enqueue(WebSocketMessageType.Text, "x"u8.ToArray());
        Assert.Equal("x", Assert.IsType<WebSocketReceive>(await next.WithTimeout()).Text);
        Assert.Equal("x", Assert.IsType<WebSocketReceive>(await abandoned.WithTimeout()).Text);

        var after = cycle.Receive().AsTask();
        socket.Enqueue(WebSocketMessageType.Text, "y"u8.ToArray());
        Assert.Equal("y", Assert.IsType<WebSocketReceive>(await after.WithTimeout()).Text);
    }

    [Fact]
    public async Task Idle_receives_wait_with_an_empty_buffer_and_fragments_are_reassembled()
    {
        var socket = new ScriptedWebSocket();
        var context = ScriptedWebSocketFeature.CreateContext(socket, out _);
        var cycle = ScriptedCycle.Create(context);
        await cycle.Receive();
        await cycle.Send(WebSocketAccept.Default);

        var pending = cycle.Receive().AsTask();
        Assert.Equal([0], socket.ReceiveBufferLengths);
        socket.Enqueue(WebSocketMessageType.Binary, new byte[5000], end: false);
        socket.Enqueue(WebSocketMessageType.Binary, new byte[5000], end: true);
        var message = Assert.IsType<WebSocketReceive>(await pending.WithTimeout());
        Assert.Equal(10_000, message.Bytes!.Value.Length);
        Assert.Equal(0, socket.ReceiveBufferLengths[0]);
        Assert.All(socket.ReceiveBufferLengths.Skip(1), length => Assert.True(length > 0));
    }

    [Fact]
    public async Task Accept_passes_subprotocol_compression_and_keep_alive_to_ASP_NET()
    {
        var socket = new ScriptedWebSocket();
        var context = ScriptedWebSocketFeature.CreateContext(socket, out var feature);
        var options = new AsgiOptions
        {
            EnableWebSocketCompression = true,
            WebSocketKeepAliveInterval = TimeSpan.FromSeconds(7),
            WebSocketKeepAliveTimeout = TimeSpan.FromSeconds(3),
        };
        var cycle = ScriptedCycle.Create(context, options);
        await cycle.Receive();
        await Assert.ThrowsAsync<AsgiProtocolException>(async () => await cycle.Send(new WebSocketAccept("c")));
        await cycle.Send(new WebSocketAccept("b"));

        var accept = feature.AcceptContext!;
        Assert.Equal("b", accept.SubProtocol);
        Assert.True(accept.DangerousEnableCompression);
        Assert.Equal(TimeSpan.FromSeconds(7), accept.KeepAliveInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), accept.KeepAliveTimeout);
    }
}
