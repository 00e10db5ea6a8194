using System.Net;
using System.Net.WebSockets;
using AsgiBridge.Hosting;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Http;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.TestInfrastructure.WebSockets;

namespace AsgiBridge.Tests.Porting;

/// <summary>
/// Issue 11.5 and 11.6 on real Kestrel: a client gone before the app accepted is a <c>websocket.disconnect</c> 1006, and a
/// receive abandoned after a timeout (the <c>asyncio.wait_for(receive(), t)</c> idiom) is joined by the next one.
/// </summary>
public sealed class PortingReceiveTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    /// <summary>Receives websocket.connect, reports it, waits until the client has gone, then receives again.</summary>
    private static AsgiApp GoneBeforeAccept(TaskCompletionSource connected, TaskCompletionSource<AsgiMessage> after) => async (scope, receive, send) =>
    {
        Assert.IsType<WebSocketConnect>(await receive());
        connected.TrySetResult();
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (scope.GetHttpContext()!.RequestAborted.Register(aborted.SetResult))
        {
            await aborted.Task;
        }

        after.TrySetResult(await receive());
    };

    [Fact]
    public async Task Http1_client_gone_before_accept_makes_receive_return_disconnect_1006()
    {
        var (connected, after) = (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource<AsgiMessage>(TaskCreationOptions.RunContinuationsAsynchronously));
        await using var host = await KestrelTestHost.StartAsync(GoneBeforeAccept(connected, after));
        var connection = await RawHttpConnection.ConnectAsync(host.Http1Address);

        await connection.SendAsync("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        await connected.Task.WaitAsync(s_timeout);
        await connection.DisposeAsync();

        Assert.Equal(1006, Assert.IsType<WebSocketDisconnect>(await after.Task.WaitAsync(s_timeout)).Code);
    }

    [Fact]
    public async Task Http2_client_gone_before_accept_makes_receive_return_disconnect_1006()
    {
        var (connected, after) = (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource<AsgiMessage>(TaskCreationOptions.RunContinuationsAsynchronously));
        await using var host = await KestrelTestHost.StartAsync(GoneBeforeAccept(connected, after));
        using var client = host.CreateWebSocketClient(KestrelProtocol.Http2);
        using var leave = new CancellationTokenSource();

        var connecting = client.ConnectAsync("/", leave.Token);
        await connected.Task.WaitAsync(s_timeout);
        await leave.CancelAsync(); // the extended CONNECT stream is reset before any answer
        await Assert.ThrowsAnyAsync<Exception>(() => connecting);

        Assert.Equal(1006, Assert.IsType<WebSocketDisconnect>(await after.Task.WaitAsync(s_timeout)).Code);
        Assert.Equal(AsgiConnectionEnd.ClientDisconnected, (await host.WaitForOutcomeAsync(client.RequestId)).End);
    }

    /// <summary>
    /// Races a receive against a short delay (it loses: the body is held back), lets the test release the body, then
    /// receives again: the second receive joins the abandoned one and both return the same event.
    /// </summary>
    private static AsgiApp AbandonsAReceive(TaskCompletionSource timedOut) => async (scope, receive, send) =>
    {
        var abandoned = receive().AsTask();
        Assert.NotSame(abandoned, await Task.WhenAny(abandoned, Task.Delay(TimeSpan.FromMilliseconds(50))));
        timedOut.TrySetResult();
        var next = await receive();
        var same = ReferenceEquals(next, await abandoned);
        var body = ((HttpRequestBody)next).Body.ToArray();
        await send(new HttpResponseStart(200));
        await send(new HttpResponseBody((byte[])[.. "got "u8, .. body, .. (same ? " (same event)"u8 : " (another event)"u8)]));
    };

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task An_http_receive_abandoned_after_a_timeout_is_joined_by_the_next_receive(KestrelProtocol protocol)
    {
        var timedOut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelTestHost.StartAsync(AbandonsAReceive(timedOut));

        using var response = await host.CreateClient(protocol).PostAsync(new Uri("/", UriKind.Relative), new HeldBackContent(timedOut.Task, "hello"u8.ToArray()));

        Assert.Equal("got hello (same event)", await response.Content.ReadAsStringAsync());
        Assert.Null((await host.WaitForOutcomeAsync(response)).Failure);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task A_websocket_receive_abandoned_after_a_timeout_is_joined_by_the_next_receive(KestrelProtocol protocol)
    {
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            await receive();
            await send(new WebSocketAccept());
            var abandoned = receive().AsTask();
            var timedOut = await Task.WhenAny(abandoned, Task.Delay(TimeSpan.FromMilliseconds(50))) != abandoned;
            await send(WebSocketSend.FromText(timedOut ? "timed out" : "no timeout"));
            var next = await receive();
            await send(WebSocketSend.FromText($"got {((WebSocketReceive)next).Text} same={ReferenceEquals(next, await abandoned)}"));
            await send(new WebSocketClose(1000));
        });
        using var client = host.CreateWebSocketClient(protocol);
        await client.ConnectAsync("/");

        Assert.Equal("timed out", (await client.Socket.ReceiveMessageAsync()).Text);
        await client.Socket.SendTextAsync("hello");
        Assert.Equal("got hello same=True", (await client.Socket.ReceiveMessageAsync()).Text);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, (await client.Socket.ReceiveMessageAsync()).CloseStatus);
        await client.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        Assert.Null((await host.WaitForOutcomeAsync(client.RequestId)).Failure);
    }

    /// <summary>A request body written only once <paramref name="release"/> completes.</summary>
    private sealed class HeldBackContent(Task release, byte[] body) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            // SocketsHttpHandler sends HTTP/1.1 request headers with the first body write; flush them so the app starts.
            await stream.FlushAsync();
            await release.WaitAsync(s_timeout);
            await stream.WriteAsync(body);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }
}
