using System.Net.WebSockets;
using System.Reflection;
using AsgiBridge.Hosting;
using AsgiBridge.Messages;

namespace AsgiBridge.Testing.Tests.Porting;

/// <summary>The porting contract (issue 11) through the test client, WebSockets: items 1, 2, 5, 6 and 9.</summary>
public sealed class PortingWebSocketTests
{
    private static AsgiApp WebSocketOnly(AsgiApp app) => (scope, receive, send) =>
        scope is WebSocketScope ? app(scope, receive, send) : throw new NotSupportedException(scope.Type);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Item1_and_2_accept_headers_are_lower_cased_and_request_header_bytes_reach_the_scope(bool http2)
    {
        byte[]? seen = null;
        await using var client = new AsgiTestClient(WebSocketOnly(async (scope, receive, send) =>
        {
            seen = ((List<object?>)scope["headers"]!).Cast<List<object?>>().Where(h => System.Text.Encoding.Latin1.GetString((byte[])h[0]!) == "x-name").Select(h => (byte[])h[1]!).Single();
            await receive();
            await send(new WebSocketAccept(headers: [new("X-Echo", ((WebSocketScope)scope).Headers.GetFirst("x-name")!)]));
            await receive();
        }), new AsgiTestClientOptions { UseHttp2 = http2 });

        await using var session = await client.ConnectWebSocketAsync("/", new AsgiWebSocketConnectOptions { Headers = { ("x-name", "abra\u00c3\u00a3o") } });

        Assert.Equal(new byte[] { 0x61, 0x62, 0x72, 0x61, 0xC3, 0xA3, 0x6F }, seen);
        Assert.Contains(new AsgiHeader("x-echo", "abra\u00c3\u00a3o"), session.AcceptHeaders);
    }

    [Fact]
    public async Task Item5_a_client_gone_before_accept_makes_receive_return_disconnect_1006()
    {
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var after = new TaskCompletionSource<AsgiMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new AsgiTestClient(WebSocketOnly(async (scope, receive, send) =>
        {
            await receive();
            connected.TrySetResult();
            var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (scope.GetHttpContext()!.RequestAborted.Register(aborted.SetResult))
            {
                await aborted.Task;
            }

            after.TrySetResult(await receive());
        }));
        using var leave = new CancellationTokenSource();

        var connecting = client.ConnectWebSocketAsync("/", cancellationToken: leave.Token);
        await connected.Task.WaitAsync(TestApps.Timeout);
        await leave.CancelAsync();
        // The test client reports the abandoned handshake as the answer the bridge then gave (500: the app never answered).
        var gone = await Assert.ThrowsAnyAsync<Exception>(() => connecting);
        Assert.True(gone is OperationCanceledException or AsgiWebSocketDeniedException, gone.ToString());

        Assert.Equal(1006, Assert.IsType<WebSocketDisconnect>(await after.Task.WaitAsync(TestApps.Timeout)).Code);
    }

    [Fact]
    public async Task Item6_a_receive_abandoned_after_a_timeout_is_joined_by_the_next_one()
    {
        await using var client = new AsgiTestClient(WebSocketOnly(async (scope, receive, send) =>
        {
            await receive();
            await send(new WebSocketAccept());
            var abandoned = receive().AsTask();
            var timedOut = await Task.WhenAny(abandoned, Task.Delay(TimeSpan.FromMilliseconds(50))) != abandoned;
            await send(WebSocketSend.FromText(timedOut ? "timed out" : "no timeout"));
            var next = await receive();
            await send(WebSocketSend.FromText($"got {((WebSocketReceive)next).Text} same={ReferenceEquals(next, await abandoned)}"));
            await send(new WebSocketClose(1000));
        }));
        await using var session = await client.ConnectWebSocketAsync("/");

        Assert.Equal("timed out", await session.ReceiveTextAsync(TestApps.Timeout));
        await session.SendTextAsync("hello");
        Assert.Equal("got hello same=True", await session.ReceiveTextAsync(TestApps.Timeout));
        Assert.Equal(1000, (await session.ReceiveCloseAsync(TestApps.Timeout)).Code);
    }

    [Fact]
    public async Task Item9_invalid_utf8_from_the_client_is_closed_1007_and_the_app_is_told_1007()
    {
        var told = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new AsgiTestClient(WebSocketOnly(async (scope, receive, send) =>
        {
            await receive();
            await send(new WebSocketAccept());
            WebSocketDisconnect? disconnect;
            while ((disconnect = await receive() as WebSocketDisconnect) is null)
            {
            }

            told.TrySetResult(disconnect.Code);
        }), new AsgiTestClientOptions { RaiseServerExceptions = false });
        var session = await client.ConnectWebSocketAsync("/");

        // The session's API only sends valid text, so the test writes through its client socket, as a broken client would.
        var socket = (WebSocket)typeof(AsgiWebSocketSession).GetField("_socket", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(session)!;
        await socket.SendAsync(new byte[] { 0x61, 0xC3, 0x28 }, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

        Assert.Equal(1007, await told.Task.WaitAsync(TestApps.Timeout));
        Assert.Equal(1007, (await session.WaitForOutcomeAsync(TestApps.Timeout)).WebSocketCloseCode);
        await session.AbortAsync();
    }
}
