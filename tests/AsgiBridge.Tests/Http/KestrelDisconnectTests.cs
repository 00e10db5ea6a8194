using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.TestInfrastructure.WebSockets;
using AsgiBridge.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Tests.Http;

/// <summary>Real Kestrel tier: client disconnects mid-request and mid-response, and the http.disconnect wait.</summary>
public sealed class KestrelDisconnectTests
{
    private static readonly TimeSpan s_timeout = AsgiTestApps.Timeout;

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Disconnect_mid_request_yields_http_disconnect_and_send_raises_a_catchable_io_exception(KestrelProtocol protocol)
    {
        var firstChunk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var outcome = new TaskCompletionSource<(AsgiMessage Next, Exception? SendError)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await KestrelTestHost.StartAsync(async (_, receive, send) =>
        {
            try
            {
                var first = (HttpRequestBody)await receive();
                Assert.True(first.MoreBody);
                firstChunk.SetResult();
                var next = await receive();
                Exception? sendError = null;
                try
                {
                    await send(new HttpResponseStart(200));
                    await send(new HttpResponseBody("too late"u8.ToArray()));
                }
                catch (AsgiClientDisconnectedException ex)
                {
                    sendError = ex;
                }

                outcome.SetResult((next, sendError));
            }
            catch (Exception ex)
            {
                outcome.TrySetException(ex);
                throw;
            }
        }, KestrelTestHost.LifespanOff);

        using var cancel = new CancellationTokenSource();
        var content = new StreamingContent(async stream =>
        {
            await stream.WriteAsync("first piece"u8.ToArray());
            await stream.FlushAsync();
            await Task.Delay(Timeout.Infinite, cancel.Token);
        });
        var client = server.CreateClient(protocol);
        var request = client.PostAsync("/", content, cancel.Token);
        await firstChunk.Task.WaitAsync(s_timeout);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);

        var (next, sendError) = await outcome.Task.WaitAsync(s_timeout);
        Assert.Same(HttpDisconnect.Instance, next);
        Assert.IsAssignableFrom<IOException>(sendError);
        await server.Logs.WaitForAsync(5);
        Assert.Empty(server.Logs.BridgeProblems);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1, true)]
    [InlineData(KestrelProtocol.Http2, true)]
    [InlineData(KestrelProtocol.Http1, false)]
    [InlineData(KestrelProtocol.Http2, false)]
    public async Task Disconnect_mid_response_makes_send_raise_and_is_logged_at_debug_only(KestrelProtocol protocol, bool rethrow)
    {
        var caught = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await KestrelTestHost.StartAsync(async (scope, _, send) =>
        {
            if (((HttpScope)scope).Path == "/probe")
            {
                await AsgiTestApps.SendTextAsync(send, 200, "still serving");
                return;
            }

            try
            {
                await send(new HttpResponseStart(200));
                var chunk = new byte[16 * 1024];
                var deadline = DateTime.UtcNow + s_timeout;
                while (DateTime.UtcNow < deadline)
                {
                    await send(new HttpResponseBody(chunk, moreBody: true));
                }
            }
            catch (Exception ex)
            {
                caught.TrySetResult(ex);
                if (rethrow)
                {
                    throw;
                }
            }
            finally
            {
                finished.SetResult();
            }
        }, KestrelTestHost.LifespanOff);

        var client = server.CreateClient(protocol, handler => handler.MaxResponseDrainSize = 0);
        var response = await client.GetAsync("/", HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[1024];
        Assert.True(await stream.ReadAsync(buffer) > 0);
        response.Dispose();

        var error = await caught.Task.WaitAsync(s_timeout);
        Assert.IsType<AsgiClientDisconnectedException>(error);
        await finished.Task.WaitAsync(s_timeout);
        if (rethrow)
        {
            Assert.Equal(LogLevel.Debug, (await server.Logs.WaitForAsync(5)).Level);
        }

        await AssertServerStillServes(server, protocol);
        Assert.Empty(server.Logs.BridgeProblems);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Receive_after_body_waits_for_response_completion_then_returns_disconnect(KestrelProtocol protocol)
    {
        var observed = new TaskCompletionSource<(bool CompletedEarly, AsgiMessage Message)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await KestrelTestHost.StartAsync(async (_, receive, send) =>
        {
            var body = AsgiTestApps.Concat(await AsgiTestApps.ReadAllAsync(receive));
            var next = receive().AsTask();
            await send(new HttpResponseStart(200));
            await send(new HttpResponseBody(body, moreBody: true));
            var early = next.IsCompleted;
            await send(HttpResponseBody.Empty);
            observed.SetResult((early, await next.WaitAsync(s_timeout)));
        }, KestrelTestHost.LifespanOff);

        using var response = await server.CreateClient(protocol).PostAsync("/", new ByteArrayContent("ping"u8.ToArray()));
        Assert.Equal("ping", await response.Content.ReadAsStringAsync());
        var (early, message) = await observed.Task.WaitAsync(s_timeout);
        Assert.False(early);
        Assert.Same(HttpDisconnect.Instance, message);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Receive_after_body_returns_disconnect_when_the_client_leaves_before_the_response(KestrelProtocol protocol)
    {
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var observed = new TaskCompletionSource<AsgiMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await KestrelTestHost.StartAsync(async (_, receive, _) =>
        {
            await AsgiTestApps.ReadAllAsync(receive);
            var next = receive();
            waiting.SetResult();
            observed.SetResult(await next);
        }, KestrelTestHost.LifespanOff);

        using var cancel = new CancellationTokenSource();
        var request = server.CreateClient(protocol).PostAsync("/", new ByteArrayContent("x"u8.ToArray()), cancel.Token);
        await waiting.Task.WaitAsync(s_timeout);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        Assert.Same(HttpDisconnect.Instance, await observed.Task.WaitAsync(s_timeout));
        await server.Logs.WaitForAsync(5);
        Assert.Empty(server.Logs.BridgeProblems);
    }

    private static async Task AssertServerStillServes(KestrelTestHost server, KestrelProtocol protocol)
    {
        using var client = server.CreateClient(protocol);
        Assert.Equal("still serving", await client.GetStringAsync("/probe"));
    }
}
