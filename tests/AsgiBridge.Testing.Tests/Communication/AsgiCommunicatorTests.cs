using AsgiBridge.Messages;

namespace AsgiBridge.Testing.Tests.Communication;

public sealed class AsgiCommunicatorTests
{
    private static readonly AsgiApp s_echo = TestApps.Http(async (scope, receive, send) =>
    {
        var body = await TestApps.ReadBody(receive);
        await send(new HttpResponseStart(200));
        await send(new HttpResponseBody(body));
    });

    [Fact]
    public async Task Drives_an_application_message_by_message()
    {
        await using var app = new AsgiCommunicator(s_echo, new HttpScope { Method = "POST", Path = "/echo" });

        Assert.True(await app.ReceiveNothingAsync(TimeSpan.FromMilliseconds(20)));
        await app.SendInputAsync(new HttpRequestBody("hel"u8.ToArray(), moreBody: true));
        await app.SendInputAsync(new HttpRequestBody("lo"u8.ToArray()));

        var start = await app.ReceiveOutputAsync<HttpResponseStart>(TestApps.Timeout);
        var body = await app.ReceiveOutputAsync<HttpResponseBody>(TestApps.Timeout);
        await app.WaitAsync(TestApps.Timeout);

        Assert.Equal(200, start.Status);
        Assert.Equal("hello"u8.ToArray(), body.Body.ToArray());
        Assert.False(body.MoreBody);
        Assert.True(await app.ReceiveNothingAsync());
        Assert.True(app.IsCompleted);
    }

    [Fact]
    public async Task Receive_nothing_is_false_when_a_message_is_waiting_and_keeps_it()
    {
        AsgiApp app = (scope, receive, send) => send(new HttpResponseStart(204)).AsTask();
        await using var communicator = new AsgiCommunicator(app, new HttpScope());
        await communicator.WaitAsync(TestApps.Timeout);

        Assert.False(await communicator.ReceiveNothingAsync());
        Assert.Equal(204, (await communicator.ReceiveOutputAsync<HttpResponseStart>(TestApps.Timeout)).Status);
    }

    [Fact]
    public async Task Receive_output_times_out()
    {
        await using var app = new AsgiCommunicator(s_echo, new HttpScope());

        var error = await Assert.ThrowsAsync<TimeoutException>(() => app.ReceiveOutputAsync(TimeSpan.FromMilliseconds(20)));

        Assert.Contains("sent nothing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Application_exception_surfaces_from_receive_output_and_wait()
    {
        AsgiApp app = (scope, receive, send) => throw new InvalidOperationException("broken");
        await using var communicator = new AsgiCommunicator(app, new HttpScope());

        Assert.Equal("broken", (await Assert.ThrowsAsync<InvalidOperationException>(() => communicator.ReceiveOutputAsync(TestApps.Timeout))).Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => communicator.WaitAsync(TestApps.Timeout));
    }

    [Fact]
    public async Task Wrong_message_type_is_reported()
    {
        AsgiApp app = (scope, receive, send) => send(new HttpResponseStart(200)).AsTask();
        await using var communicator = new AsgiCommunicator(app, new HttpScope());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => communicator.ReceiveOutputAsync<HttpResponseBody>(TestApps.Timeout));

        Assert.Contains("http.response.start", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wait_times_out_while_the_application_runs()
    {
        await using var app = new AsgiCommunicator(s_echo, new HttpScope());

        await Assert.ThrowsAsync<TimeoutException>(() => app.WaitAsync(TimeSpan.FromMilliseconds(20)));
    }

    [Fact]
    public async Task Drives_a_websocket_application()
    {
        AsgiApp app = async (scope, receive, send) =>
        {
            Assert.IsType<WebSocketConnect>(await receive());
            await send(WebSocketAccept.Default);
            var message = (WebSocketReceive)await receive();
            await send(WebSocketSend.FromText(message.Text!.ToUpperInvariant()));
        };
        await using var communicator = new AsgiCommunicator(app, new WebSocketScope { Path = "/ws" });

        await communicator.SendInputAsync(WebSocketConnect.Instance);
        Assert.IsType<WebSocketAccept>(await communicator.ReceiveOutputAsync(TestApps.Timeout));
        await communicator.SendInputAsync(WebSocketReceive.FromText("hi"));

        Assert.Equal("HI", (await communicator.ReceiveOutputAsync<WebSocketSend>(TestApps.Timeout)).Text);
    }

    [Fact]
    public async Task Output_snapshot_holds_every_message_sent_so_far_and_is_a_copy()
    {
        var more = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        AsgiApp app = async (scope, receive, send) =>
        {
            await send(new HttpResponseStart(200));
            await send(new HttpResponseBody("a"u8.ToArray(), moreBody: true));
            await more.Task;
            await send(new HttpResponseBody("b"u8.ToArray()));
        };
        await using var communicator = new AsgiCommunicator(app, new HttpScope());

        Assert.Equal(200, (await communicator.ReceiveOutputAsync<HttpResponseStart>(TestApps.Timeout)).Status);
        await communicator.ReceiveOutputAsync<HttpResponseBody>(TestApps.Timeout);
        var before = communicator.GetOutput();
        more.SetResult();
        await communicator.WaitAsync(TestApps.Timeout);

        Assert.Collection(before, m => Assert.IsType<HttpResponseStart>(m), m => Assert.True(((HttpResponseBody)m).MoreBody));
        var after = communicator.GetOutput();
        Assert.Equal(3, after.Count);
        Assert.Same(before[1], after[1]);
        Assert.False(((HttpResponseBody)after[2]).MoreBody);
    }

    [Fact]
    public async Task Disconnect_queues_http_disconnect_after_the_input_and_later_sends_throw()
    {
        var received = new List<AsgiMessage>();
        AsgiApp app = async (scope, receive, send) =>
        {
            await send(new HttpResponseStart(200));
            received.Add(await receive());
            received.Add(await receive());
            await send(new HttpResponseBody("too late"u8.ToArray()));
        };
        await using var communicator = new AsgiCommunicator(app, new HttpScope());
        await communicator.SendInputAsync(HttpRequestBody.Empty);
        await communicator.ReceiveOutputAsync<HttpResponseStart>(TestApps.Timeout);

        await communicator.DisconnectAsync();

        var error = await Assert.ThrowsAsync<AsgiClientDisconnectedException>(() => communicator.WaitAsync(TestApps.Timeout));
        Assert.Contains("disconnected", error.Message, StringComparison.Ordinal);
        Assert.IsType<HttpRequestBody>(received[0]);
        Assert.IsType<HttpDisconnect>(received[1]);
        Assert.IsType<HttpResponseStart>(Assert.Single(communicator.GetOutput()));
    }

    [Fact]
    public async Task Disconnect_of_a_websocket_carries_the_code_and_a_lifespan_scope_has_no_client()
    {
        var code = 0;
        AsgiApp app = async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            code = ((WebSocketDisconnect)await receive()).Code;
            await send(WebSocketSend.FromText("too late"));
        };
        await using var communicator = new AsgiCommunicator(app, new WebSocketScope { Path = "/ws" });
        await communicator.SendInputAsync(WebSocketConnect.Instance);
        await communicator.ReceiveOutputAsync<WebSocketAccept>(TestApps.Timeout);

        await communicator.DisconnectAsync(4001);

        await Assert.ThrowsAsync<AsgiClientDisconnectedException>(() => communicator.WaitAsync(TestApps.Timeout));
        Assert.Equal(4001, code);
        await using var lifespan = new AsgiCommunicator((scope, receive, send) => Task.CompletedTask, new LifespanScope());
        await Assert.ThrowsAsync<InvalidOperationException>(() => lifespan.DisconnectAsync().AsTask());
    }

    [Fact]
    public async Task Disconnect_of_a_websocket_defaults_to_1006_a_dropped_connection()
    {
        var code = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        AsgiApp app = async (scope, receive, send) =>
        {
            await receive();
            code.SetResult(((WebSocketDisconnect)await receive()).Code);
        };
        await using var communicator = new AsgiCommunicator(app, new WebSocketScope { Path = "/ws" });
        await communicator.SendInputAsync(WebSocketConnect.Instance);

        await communicator.DisconnectAsync();
        await communicator.WaitAsync(TestApps.Timeout);

        Assert.Equal(1006, await code.Task);
    }

    [Fact]
    public async Task Receive_count_includes_a_call_still_waiting()
    {
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        AsgiApp app = async (scope, receive, send) =>
        {
            await receive();
            var second = receive();
            waiting.SetResult();
            await second;
        };
        await using var communicator = new AsgiCommunicator(app, new HttpScope());
        Assert.Equal(0, communicator.ReceiveCount);
        await communicator.SendInputAsync(new HttpRequestBody("x"u8.ToArray(), moreBody: true));

        await waiting.Task.WaitAsync(TestApps.Timeout);
        Assert.Equal(2, communicator.ReceiveCount);
        await communicator.SendInputAsync(HttpRequestBody.Empty);
        await communicator.WaitAsync(TestApps.Timeout);

        Assert.Equal(2, communicator.ReceiveCount);
    }
}
