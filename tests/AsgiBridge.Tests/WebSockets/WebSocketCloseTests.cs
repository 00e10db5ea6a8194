using System.Net.WebSockets;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.WebSockets;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Tests.WebSockets;

public sealed class WebSocketCloseTests
{
    public static TheoryData<WebSocketTransport> AllTransports => WebSocketHandshakeTests.AllTransports;

    public static TheoryData<WebSocketTransport> KestrelTransports => WebSocketHandshakeTests.KestrelTransports;

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Application_close_sends_its_code_and_reason_then_receive_reports_the_clients_answer(WebSocketTransport transport)
    {
        var afterClose = TestApps.Signal<WebSocketDisconnect>();
        await using var host = await WebSocketTestHost.StartAsync(transport, async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            await send(new WebSocketClose(4001, "bye now"));
            afterClose.SetResult(Assert.IsType<WebSocketDisconnect>(await receive()));
        });
        using var socket = await host.ConnectAsync();

        var close = await socket.ReceiveMessageAsync();
        Assert.Equal((WebSocketCloseStatus)4001, close.CloseStatus);
        Assert.Equal("bye now", close.CloseDescription);
        using var timeout = new CancellationTokenSource(WebSocketTestHost.Timeout);
        await socket.CloseOutputAsync((WebSocketCloseStatus)4001, "ack", timeout.Token);
        var disconnect = await afterClose.Task.WithTimeout();
        Assert.Equal(4001, disconnect.Code);
        Assert.Equal("ack", disconnect.Reason);
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Application_close_defaults_to_1000(WebSocketTransport transport)
    {
        await using var host = await WebSocketTestHost.StartAsync(transport, async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            await send(new WebSocketClose());
            await receive();
        });
        using var socket = await host.ConnectAsync();

        var close = await socket.ReceiveMessageAsync();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, close.CloseStatus);
        Assert.Equal(string.Empty, close.CloseDescription);
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Client_close_reports_its_code_and_reason_and_is_echoed(WebSocketTransport transport)
    {
        var disconnect = TestApps.Signal<WebSocketDisconnect>();
        await using var host = await WebSocketTestHost.StartAsync(transport, async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            disconnect.SetResult(Assert.IsType<WebSocketDisconnect>(await receive()));
        });
        using var socket = await host.ConnectAsync();

        await socket.CloseAsync((WebSocketCloseStatus)4002, "see you");
        Assert.Equal(WebSocketState.Closed, socket.State);
        Assert.Equal((WebSocketCloseStatus)4002, socket.CloseStatus);
        var message = await disconnect.Task.WithTimeout();
        Assert.Equal(4002, message.Code);
        Assert.Equal("see you", message.Reason);
    }

    [Fact]
    public async Task Client_close_frame_without_code_on_Kestrel_reports_1005_and_is_echoed()
    {
        var disconnect = TestApps.Signal<WebSocketDisconnect>();
        await using var host = await WebSocketTestHost.StartAsync(WebSocketTransport.Http1, async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            disconnect.SetResult(Assert.IsType<WebSocketDisconnect>(await receive()));
        });
        using var client = await RawWebSocketClient.ConnectAsync(host.HttpUri);

        await client.SendFrameAsync(0x8, []);
        var message = await disconnect.Task.WithTimeout();

        // System.Net.WebSockets reports a close frame without a payload as NormalClosure (1000); the bridge watches the
        // client's frames and reports 1005, as the spec requires.
        Assert.Equal(1005, message.Code);
        Assert.Equal(string.Empty, message.Reason);
        var (opcode, payload) = await client.ReadFrameAsync();
        Assert.Equal(0x8, opcode);
        Assert.Equal(new byte[] { 0x03, 0xE8 }, payload); // echoed as 1000: 1005 must never be sent in a frame
    }

    [Fact]
    public async Task Client_close_frame_with_1000_on_Kestrel_stays_1000_after_other_frames()
    {
        var disconnect = TestApps.Signal<WebSocketDisconnect>();
        var received = TestApps.Signal<string?>();
        await using var host = await WebSocketTestHost.StartAsync(WebSocketTransport.Http1, async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            received.SetResult(Assert.IsType<WebSocketReceive>(await receive()).Text);
            disconnect.SetResult(Assert.IsType<WebSocketDisconnect>(await receive()));
        });
        using var client = await RawWebSocketClient.ConnectAsync(host.HttpUri);

        await client.SendFrameAsync(0x1, new byte[300]);                 // a 16-bit length header before the close
        Assert.Equal(300, (await received.Task.WithTimeout())!.Length);
        await client.SendFrameAsync(0x8, [0x03, 0xE8]);                  // 1000, no reason
        var message = await disconnect.Task.WithTimeout();
        Assert.Equal(1000, message.Code);
    }

    [Fact]
    public async Task Client_close_without_code_reports_1005_on_TestServer()
    {
        var disconnect = TestApps.Signal<WebSocketDisconnect>();
        await using var host = await WebSocketTestHost.StartAsync(WebSocketTransport.TestServer, async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            disconnect.SetResult(Assert.IsType<WebSocketDisconnect>(await receive()));
        });
        using var socket = await host.ConnectAsync();

        await socket.CloseAsync(WebSocketCloseStatus.Empty);
        Assert.Equal(1005, (await disconnect.Task.WithTimeout()).Code);
    }

    [Fact]
    public async Task Tcp_reset_without_close_frame_reports_1006()
    {
        var accepted = TestApps.Signal<bool>();
        var disconnect = TestApps.Signal<WebSocketDisconnect>();
        await using var host = await WebSocketTestHost.StartAsync(WebSocketTransport.Http1, async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            accepted.SetResult(true);
            disconnect.SetResult(Assert.IsType<WebSocketDisconnect>(await receive()));
        });
        using var client = await RawWebSocketClient.ConnectAsync(host.HttpUri);
        await accepted.Task.WithTimeout();

        client.Drop();
        Assert.Equal(1006, (await disconnect.Task.WithTimeout()).Code);
    }

    [Fact]
    public async Task Keep_alive_pings_come_from_the_options_and_an_unanswered_ping_drops_the_connection()
    {
        var disconnect = TestApps.Signal<WebSocketDisconnect>();
        await using var host = await WebSocketTestHost.StartAsync(WebSocketTransport.Http1, async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            disconnect.SetResult(Assert.IsType<WebSocketDisconnect>(await receive()));
        }, options =>
        {
            // The timeout leaves the client time to read the ping: the drop is a reset, and a reset discards what the
            // client has not read yet (a 200 ms timeout lost the ping once under full-suite load).
            options.WebSocketKeepAliveInterval = TimeSpan.FromMilliseconds(50);
            options.WebSocketKeepAliveTimeout = TimeSpan.FromMilliseconds(1500);
        });
        using var client = await RawWebSocketClient.ConnectAsync(host.HttpUri);

        var (opcode, _) = await client.ReadFrameAsync();
        Assert.Equal(0x9, opcode); // PING, which this client never answers.
        Assert.Equal(1006, (await disconnect.Task.WithTimeout()).Code);
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Abrupt_client_drop_reports_1006(WebSocketTransport transport)
    {
        var accepted = TestApps.Signal<bool>();
        var disconnect = TestApps.Signal<WebSocketDisconnect>();
        await using var host = await WebSocketTestHost.StartAsync(transport, async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            accepted.SetResult(true);
            disconnect.SetResult(Assert.IsType<WebSocketDisconnect>(await receive()));
        });
        var socket = await host.ConnectAsync();
        await accepted.Task.WithTimeout();

        socket.Abort();
        socket.Dispose();
        Assert.Equal(1006, (await disconnect.Task.WithTimeout()).Code);
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Application_raising_after_accept_closes_with_1011_and_logs_an_error(WebSocketTransport transport)
    {
        await using var host = await WebSocketTestHost.StartAsync(transport, async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            throw new InvalidOperationException("kaput");
        });
        using var socket = await host.ConnectAsync();

        var close = await socket.ReceiveMessageAsync();
        Assert.Equal(WebSocketCloseStatus.InternalServerError, close.CloseStatus);
        Assert.Contains(host.Logs.Entries, e => e.EventId.Id == 21 && e.Level == LogLevel.Error && e.Exception?.Message == "kaput");
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Application_returning_without_close_closes_with_1000(WebSocketTransport transport)
    {
        // The closing handshake's timeout is not what this test is about: a client thread starved by a loaded machine must
        // not lose the handshake to the 5 s default (it failed once that way, after 6 s, with the suite running under load).
        await using var host = await WebSocketTestHost.StartAsync(transport, async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            await send(WebSocketSend.FromText("last words"));
        }, options => options.WebSocketCloseTimeout = ClientMessages.Timeout);
        using var socket = await host.ConnectAsync();

        Assert.Equal("last words", (await socket.ReceiveMessageAsync()).Text);
        var close = await socket.ReceiveMessageAsync();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, close.CloseStatus);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        Assert.DoesNotContain(host.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Send_after_disconnect_raises_client_disconnected_and_receive_keeps_returning_the_disconnect(WebSocketTransport transport)
    {
        var outcome = TestApps.Signal<(Exception? Send, Exception? Close, WebSocketDisconnect First, WebSocketDisconnect Again)>();
        var finished = TestApps.Signal<Exception?>();
        await using var host = await WebSocketTestHost.StartAsync(transport, TestApps.Observed(async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            var first = Assert.IsType<WebSocketDisconnect>(await receive());
            var sendError = await Record.ExceptionAsync(async () => await send(WebSocketSend.FromText("too late")));
            var closeError = await Record.ExceptionAsync(async () => await send(WebSocketClose.Normal));
            var again = Assert.IsType<WebSocketDisconnect>(await receive());
            outcome.SetResult((sendError, closeError, first, again));
            await send(WebSocketSend.FromText("escapes the app"));
        }, finished));
        using var socket = await host.ConnectAsync();

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done");
        var (sendError, closeError, first, again) = await outcome.Task.WithTimeout();
        Assert.IsType<AsgiClientDisconnectedException>(sendError);
        Assert.IsAssignableFrom<IOException>(sendError);
        Assert.Null(closeError);
        Assert.Same(first, again);
        Assert.Equal(1000, first.Code);
        Assert.IsType<AsgiClientDisconnectedException>(await finished.Task.WithTimeout());
        await host.DisposeAsync();
        Assert.DoesNotContain(host.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Invalid_close_code_or_reason_is_a_protocol_error(WebSocketTransport transport)
    {
        await using var host = await WebSocketTestHost.StartAsync(transport, async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            var reserved = await Record.ExceptionAsync(async () => await send(new WebSocketClose(1006)));
            var tooLong = await Record.ExceptionAsync(async () => await send(new WebSocketClose(1000, new string('x', 124))));
            await send(WebSocketSend.FromText($"{(reserved as AsgiProtocolException)?.Field} {(tooLong as AsgiProtocolException)?.Field}"));
            await send(new WebSocketClose(3000, new string('y', 123)));
            await receive();
        });
        using var socket = await host.ConnectAsync();

        Assert.Equal("code reason", (await socket.ReceiveMessageAsync()).Text);
        var close = await socket.ReceiveMessageAsync();
        Assert.Equal((WebSocketCloseStatus)3000, close.CloseStatus);
        Assert.Equal(123, close.CloseDescription!.Length);
    }
}
