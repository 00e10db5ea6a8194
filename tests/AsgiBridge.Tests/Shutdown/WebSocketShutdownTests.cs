using System.Net.WebSockets;
using AsgiBridge.Hosting;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.TestInfrastructure.WebSockets;

namespace AsgiBridge.Tests.Shutdown;

/// <summary>
/// Graceful shutdown of WebSockets on real Kestrel, over HTTP/1.1 Upgrade and HTTP/2 extended CONNECT at once: every
/// client receives a close frame with the shutdown code, every application <c>websocket.disconnect</c> with the same code
/// (the client's echo does not replace it), and the drain ends without cutting anything.
/// </summary>
public sealed class WebSocketShutdownTests
{
    [Theory]
    [InlineData(null, 1012)]
    [InlineData(1001, 1001)]
    public async Task Open_WebSockets_get_the_shutdown_code_on_both_sides(int? configured, int expected)
    {
        var accepted = new CountdownEvent(2);
        var disconnects = new System.Collections.Concurrent.ConcurrentQueue<int>();
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            if (scope is not WebSocketScope)
            {
                return;
            }

            await receive();
            await send(WebSocketAccept.Default);
            accepted.Signal();
            AsgiMessage message;
            while ((message = await receive()) is not WebSocketDisconnect)
            {
            }

            disconnects.Enqueue(((WebSocketDisconnect)message).Code);
        }, asgi: options =>
        {
            if (configured is { } code)
            {
                options.ShutdownWebSocketCloseCode = code;
            }
        });

        var clients = new[] { host.CreateWebSocketClient(KestrelProtocol.Http1), host.CreateWebSocketClient(KestrelProtocol.Http2) };
        foreach (var client in clients)
        {
            await client.ConnectAsync("/ws");
        }

        Assert.True(accepted.Wait(ClientMessages.Timeout));
        var stop = host.StopAsync();

        foreach (var client in clients)
        {
            var close = await client.Socket.ReceiveMessageAsync();
            Assert.Equal(WebSocketMessageType.Close, close.Type);
            Assert.Equal((WebSocketCloseStatus)expected, close.CloseStatus);

            // The client answers with a code of its own; the application still sees the server's.
            await client.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        }

        await stop.WithTimeout();
        Assert.Equal([expected, expected], disconnects.ToArray());
        foreach (var client in clients)
        {
            var outcome = await host.WaitForOutcomeAsync(client.RequestId);
            Assert.Equal(expected, outcome.WebSocketCloseCode);
        }

        Assert.Single(host.Logs.Bridge(11));
        Assert.Empty(host.Logs.Bridge(12));
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task A_client_that_never_answers_the_close_is_cut_after_the_close_timeout_not_the_drain(KestrelProtocol protocol)
    {
        var disconnect = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var accepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            if (scope is not WebSocketScope)
            {
                return;
            }

            await receive();
            await send(WebSocketAccept.Default);
            accepted.SetResult();
            disconnect.SetResult(await receive() is WebSocketDisconnect d ? d.Code : -1);
        }, asgi: options =>
        {
            options.WebSocketCloseTimeout = TimeSpan.FromMilliseconds(300);
            options.ShutdownDrainTimeout = TimeSpan.FromSeconds(20);
        });

        // The client reads nothing, so it never answers the server's close frame (a half-open peer). It has a connection
        // of its own, so the test can close that connection at the end: over HTTP/2, Kestrel's stop waits for the client to
        // close the connection after its GOAWAY, until the host's shutdown timeout, even once the stream is gone.
        using var connections = new HttpMessageInvoker(new SocketsHttpHandler());
        using var socket = new ClientWebSocket();
        var requestId = await ConnectSilentAsync(host, protocol, socket, connections);
        await accepted.Task.WithTimeout();
        var stop = host.StopAsync();

        // The application hears 1012 at once; the silent client is aborted after the close timeout (event 26), so the
        // drain (20 s) ends without cutting anything.
        Assert.Equal(1012, await disconnect.Task.WithTimeout());
        await host.Logs.WaitForAsync(26);
        var outcome = await host.WaitForOutcomeAsync(requestId);
        Assert.Equal(1012, outcome.WebSocketCloseCode);
        socket.Abort();
        connections.Dispose();
        await stop.WithTimeout();
        Assert.Empty(host.Logs.Bridge(12));
    }
    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task A_client_that_reads_nothing_while_the_app_sends_is_cut_after_the_close_timeout(KestrelProtocol protocol)
    {
        // The application streams to a client that reads nothing, so its send blocks on flow control (HTTP/2's stream
        // window, TCP's buffers over HTTP/1.1). The bridge's shutdown close waits behind that send; the close timeout must
        // cut the client all the same instead of leaving the connection to the drain.
        var sending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sendFailure = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var chunk = new byte[64 * 1024];
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            if (scope is not WebSocketScope)
            {
                return;
            }

            await receive();
            await send(WebSocketAccept.Default);
            try
            {
                while (true)
                {
                    sending.TrySetResult();
                    await send(WebSocketSend.FromBytes(chunk.AsMemory()));
                }
            }
            catch (Exception ex)
            {
                sendFailure.SetResult(ex);
            }
        }, asgi: options =>
        {
            options.WebSocketCloseTimeout = TimeSpan.FromMilliseconds(300);
            options.ShutdownDrainTimeout = TimeSpan.FromSeconds(20);
        });

        using var connections = new HttpMessageInvoker(new SocketsHttpHandler());
        using var socket = new ClientWebSocket();
        var requestId = await ConnectSilentAsync(host, protocol, socket, connections);
        await sending.Task.WithTimeout();
        var stop = host.StopAsync();

        // The app's blocked send fails once the client is cut (event 26), long before the 20 s drain would.
        Assert.IsAssignableFrom<AsgiClientDisconnectedException>(await sendFailure.Task.WithTimeout());
        await host.Logs.WaitForAsync(26);
        var outcome = await host.WaitForOutcomeAsync(requestId);
        Assert.Equal(1012, outcome.WebSocketCloseCode);
        socket.Abort();
        connections.Dispose();
        await stop.WithTimeout();
        Assert.Empty(host.Logs.Bridge(12));
    }

    /// <summary>Connects a client that reads nothing, on a connection of its own; returns its request id.</summary>
    private static async Task<string> ConnectSilentAsync(KestrelTestHost host, KestrelProtocol protocol, ClientWebSocket socket, HttpMessageInvoker connections)
    {
        var requestId = TestInfrastructure.Kestrel.OutcomeRecorder.NewId();
        socket.Options.SetRequestHeader(TestInfrastructure.Kestrel.OutcomeRecorder.Header, requestId);
        if (protocol == KestrelProtocol.Http2)
        {
            socket.Options.HttpVersion = System.Net.HttpVersion.Version20;
            socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }

        await socket.ConnectAsync(new UriBuilder(host.AddressFor(protocol)) { Scheme = "ws", Path = "/ws" }.Uri, connections, CancellationToken.None);
        return requestId;
    }
}
