using System.Text;
using AsgiBridge.Messages;

namespace AsgiBridge.Testing.Tests.WebSockets;

public sealed class WebSocketSessionTests
{
    private static readonly AsgiTestClientOptions s_lenient = new() { RaiseServerExceptions = false };

    /// <summary>Accepts (choosing the first offered subprotocol), then echoes text and bytes until the client closes.</summary>
    private static AsgiApp Echo(TaskCompletionSource<WebSocketDisconnect>? disconnected = null) => async (scope, receive, send) =>
    {
        var ws = (WebSocketScope)scope;
        Assert.IsType<WebSocketConnect>(await receive());
        await send(new WebSocketAccept(ws.Subprotocols.Count > 0 ? ws.Subprotocols[0] : null, [new("x-accepted", "yes")]));
        while (true)
        {
            switch (await receive())
            {
                case WebSocketReceive { Text: { } text }:
                    await send(WebSocketSend.FromText(text == "close-me" ? text : "echo:" + text));
                    if (text == "close-me")
                    {
                        await send(new WebSocketClose(4001, "asked to"));
                        return;
                    }

                    break;
                case WebSocketReceive { Bytes: { } bytes }:
                    await send(WebSocketSend.FromBytes(bytes));
                    break;
                case WebSocketDisconnect disconnect:
                    disconnected?.TrySetResult(disconnect);
                    return;
            }
        }
    };

    [Fact]
    public async Task Scope_comes_from_the_bridge_and_accept_carries_subprotocol_and_headers()
    {
        var captured = new TaskCompletionSource<WebSocketScope>(TaskCreationOptions.RunContinuationsAsynchronously);
        var echo = Echo();
        await using var client = new AsgiTestClient((scope, receive, send) =>
        {
            captured.TrySetResult((WebSocketScope)scope);
            return echo(scope, receive, send);
        });
        var options = new AsgiWebSocketConnectOptions { Subprotocols = { "chat.v2", "chat.v1" }, Headers = { ("X-Token", "t") } };

        await using var session = await client.ConnectWebSocketAsync("/ws?room=1", options);

        Assert.Equal("chat.v2", session.Subprotocol);
        Assert.Contains(new AsgiHeader("x-accepted", "yes"), session.AcceptHeaders);
        Assert.Contains(new AsgiHeader("upgrade", "websocket"), session.AcceptHeaders);
        var scope = await captured.Task.WaitAsync(TestApps.Timeout);
        Assert.Equal("websocket", scope.Type);
        Assert.Equal("ws", scope.Scheme);
        Assert.Equal("1.1", scope.HttpVersion);
        Assert.Equal("/ws", scope.Path);
        Assert.Equal("room=1", Encoding.Latin1.GetString(scope.QueryString.Span));
        Assert.Equal(["chat.v2", "chat.v1"], scope.Subprotocols);
        Assert.Equal(new AsgiHeader("host", "testserver"), scope.Headers[0]);
        Assert.Equal("t", scope.Headers.GetFirst("x-token"));
        Assert.Equal("chat.v2, chat.v1", scope.Headers.GetFirst("sec-websocket-protocol"));
        Assert.True(scope.SupportsExtension(AsgiExtensionNames.WebSocketHttpResponse));
        Assert.Equal(new AsgiAddress("testclient", 50000), scope.Client);
    }

    [Fact]
    public async Task Text_bytes_and_json_round_trip()
    {
        await using var client = new AsgiTestClient(Echo());
        await using var session = await client.ConnectWebSocketAsync("/ws");

        await session.SendTextAsync("hi");
        Assert.Equal("echo:hi", await session.ReceiveTextAsync());

        await session.SendBytesAsync(new byte[] { 1, 2, 3 });
        Assert.Equal(new byte[] { 1, 2, 3 }, await session.ReceiveBytesAsync());

        await session.SendBytesAsync("""{"count":3}"""u8.ToArray());
        Assert.Equal(3, (await session.ReceiveJsonAsync<Counter>())!.Count);

        await session.SendJsonAsync(new Counter(5));
        Assert.Equal("echo:{\"count\":5}", await session.ReceiveTextAsync());
    }

    [Fact]
    public async Task Client_close_reaches_the_application_with_code_and_reason()
    {
        var disconnected = new TaskCompletionSource<WebSocketDisconnect>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new AsgiTestClient(Echo(disconnected));
        var session = await client.ConnectWebSocketAsync("/ws");

        await session.CloseAsync(4002, "bye");

        var disconnect = await disconnected.Task.WaitAsync(TestApps.Timeout);
        Assert.Equal(4002, disconnect.Code);
        Assert.Equal("bye", disconnect.Reason);
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.SendTextAsync("too late"));
    }

    [Fact]
    public async Task Application_close_code_and_reason_can_be_asserted()
    {
        await using var client = new AsgiTestClient(Echo());
        await using var session = await client.ConnectWebSocketAsync("/ws");

        await session.SendTextAsync("close-me");
        Assert.Equal("close-me", await session.ReceiveTextAsync());
        var close = await session.ReceiveCloseAsync();

        Assert.Equal(4001, close.Code);
        Assert.Equal("asked to", close.Reason);
        var error = await Assert.ThrowsAsync<AsgiWebSocketClosedException>(() => session.ReceiveTextAsync());
        Assert.Equal(4001, error.Code);
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.SendTextAsync("after close"));
    }

    [Fact]
    public async Task Receiving_a_message_when_the_application_closed_throws_with_the_close_code()
    {
        AsgiApp app = async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            await send(new WebSocketClose(1008, "policy"));
        };
        await using var client = new AsgiTestClient(app);
        await using var session = await client.ConnectWebSocketAsync("/ws");

        var error = await Assert.ThrowsAsync<AsgiWebSocketClosedException>(() => session.ReceiveTextAsync());

        Assert.Equal(1008, error.Code);
        Assert.Equal("policy", error.Reason);
    }

    [Fact]
    public async Task Close_before_accept_is_a_403_denial()
    {
        AsgiApp app = async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketClose.Normal);
        };
        await using var client = new AsgiTestClient(app);

        var denied = await Assert.ThrowsAsync<AsgiWebSocketDeniedException>(() => client.ConnectWebSocketAsync("/ws"));

        Assert.Equal(403, denied.Status);
        Assert.Empty(denied.Body);
    }

    [Fact]
    public async Task Denial_response_status_headers_and_body_are_reported()
    {
        AsgiApp app = async (scope, receive, send) =>
        {
            await receive();
            await send(new WebSocketHttpResponseStart(401, [new("content-type", "text/plain"), new("www-authenticate", "Bearer")]));
            await send(new WebSocketHttpResponseBody("no "u8.ToArray(), moreBody: true));
            await send(new WebSocketHttpResponseBody("token"u8.ToArray()));
        };
        await using var client = new AsgiTestClient(app);

        var denied = await Assert.ThrowsAsync<AsgiWebSocketDeniedException>(() => client.ConnectWebSocketAsync("/ws"));

        Assert.Equal(401, denied.Status);
        Assert.Equal("Bearer", denied.Headers.GetFirst("www-authenticate"));
        Assert.Equal("no token", denied.Text);
    }

    [Fact]
    public async Task Receive_times_out_with_a_clear_message()
    {
        await using var client = new AsgiTestClient(Echo());
        await using var session = await client.ConnectWebSocketAsync("/ws");

        var error = await Assert.ThrowsAsync<TimeoutException>(() => session.ReceiveAsync(TimeSpan.FromMilliseconds(50)));

        Assert.Contains("sent nothing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accept_headers_may_not_carry_the_subprotocol()
    {
        AsgiApp app = async (scope, receive, send) =>
        {
            await receive();
            await send(new WebSocketAccept(null, [new("sec-websocket-protocol", "chat")]));
        };
        await using var client = new AsgiTestClient(app);

        var error = await Assert.ThrowsAsync<AsgiProtocolException>(() => client.ConnectWebSocketAsync("/ws"));

        Assert.Equal("websocket.accept", error.MessageType);
        Assert.Contains("sec-websocket-protocol", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_message_must_have_exactly_one_of_bytes_and_text(bool both)
    {
        AsgiApp app = async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            await send(both ? new WebSocketSend(new byte[] { 1 }, "x") : new WebSocketSend(null, null));
        };
        await using var client = new AsgiTestClient(app);
        var session = await client.ConnectWebSocketAsync("/ws");

        var error = await Assert.ThrowsAsync<AsgiProtocolException>(() => session.ReceiveAsync());

        Assert.Contains("exactly one of 'bytes' and 'text'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sending_before_accepting_is_a_violation()
    {
        AsgiApp app = async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketSend.FromText("too early"));
        };
        await using var client = new AsgiTestClient(app);

        var error = await Assert.ThrowsAsync<AsgiProtocolException>(() => client.ConnectWebSocketAsync("/ws"));

        Assert.Equal("websocket.send", error.MessageType);
    }

    [Fact]
    public async Task Exception_before_accept_is_raised_or_becomes_a_500_denial()
    {
        AsgiApp app = (scope, receive, send) => throw new InvalidOperationException("no socket for you");
        await using var strict = new AsgiTestClient(app);
        await using var lenient = new AsgiTestClient(app, s_lenient);

        await Assert.ThrowsAsync<InvalidOperationException>(() => strict.ConnectWebSocketAsync("/ws"));
        var denied = await Assert.ThrowsAsync<AsgiWebSocketDeniedException>(() => lenient.ConnectWebSocketAsync("/ws"));

        Assert.Equal(500, denied.Status);
        Assert.Equal("Internal Server Error", denied.Text);
    }

    [Fact]
    public async Task Exception_after_accept_is_raised_or_becomes_close_1011()
    {
        AsgiApp app = async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            await receive();
            throw new InvalidOperationException("handler failed");
        };
        await using var strict = new AsgiTestClient(app);
        await using var lenient = new AsgiTestClient(app, s_lenient);

        var strictSession = await strict.ConnectWebSocketAsync("/ws");
        await strictSession.SendTextAsync("go");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => strictSession.ReceiveAsync());
        Assert.Equal("handler failed", error.Message);

        await using var lenientSession = await lenient.ConnectWebSocketAsync("/ws");
        await lenientSession.SendTextAsync("go");
        Assert.Equal(1011, (await lenientSession.ReceiveCloseAsync()).Code);
    }

    [Fact]
    public async Task Returning_while_open_closes_with_1000()
    {
        AsgiApp app = async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
        };
        await using var client = new AsgiTestClient(app);
        await using var session = await client.ConnectWebSocketAsync("/ws");

        Assert.Equal(1000, (await session.ReceiveCloseAsync()).Code);
    }

    [Fact]
    public async Task Send_after_the_client_closed_raises_client_disconnected_in_the_application()
    {
        var outcome = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        AsgiApp app = async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            Assert.IsType<WebSocketDisconnect>(await receive());
            outcome.SetResult(await Record.ExceptionAsync(() => send(WebSocketSend.FromText("anyone?")).AsTask()));
        };
        await using var client = new AsgiTestClient(app);
        var session = await client.ConnectWebSocketAsync("/ws");

        await session.CloseAsync();

        Assert.IsType<AsgiClientDisconnectedException>(await outcome.Task.WaitAsync(TestApps.Timeout));
    }

    [Fact]
    public async Task Application_receive_after_its_own_close_returns_the_echoed_disconnect()
    {
        var after = new TaskCompletionSource<AsgiMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        AsgiApp app = async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            await send(new WebSocketClose(4000));
            after.SetResult(await receive());
        };
        await using var client = new AsgiTestClient(app);
        await using var session = await client.ConnectWebSocketAsync("/ws");

        Assert.Equal(4000, (await session.ReceiveCloseAsync()).Code);
        Assert.Equal(4000, Assert.IsType<WebSocketDisconnect>(await after.Task.WaitAsync(TestApps.Timeout)).Code);
    }

    private sealed record Counter(int Count);
}
