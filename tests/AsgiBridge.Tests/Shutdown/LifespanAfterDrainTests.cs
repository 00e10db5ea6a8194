using System.Collections.Concurrent;
using System.Net.WebSockets;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.TestInfrastructure.WebSockets;

namespace AsgiBridge.Tests.Shutdown;

/// <summary>
/// The order of a graceful shutdown: connections are told first (WebSocket 1012, <c>http.disconnect</c>), the drain runs
/// (and cuts what outlives it), and only then does the application get <c>lifespan.shutdown</c>, with its own full timeout
/// even when the drain used up the host's shutdown time.
/// </summary>
public sealed class LifespanAfterDrainTests
{
    [Fact]
    public async Task Lifespan_shutdown_comes_after_the_drain_and_gets_its_full_timeout()
    {
        var events = new ConcurrentQueue<string>();
        var ready = new CountdownEvent(2);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hostTimeUsedUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        KestrelTestHost? started = null;
        await using var host = started = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            switch (scope)
            {
                case LifespanScope:
                    await receive();
                    await send(LifespanStartupComplete.Instance);
                    await receive();
                    events.Enqueue(started!.Logs.Bridge(12).Count == 1 ? "lifespan.shutdown after the drain" : "lifespan.shutdown during the drain");

                    // Cleanup that outlasts the host's own shutdown time: it is still waited for.
                    await hostTimeUsedUp.Task;
                    events.Enqueue("lifespan.shutdown.complete");
                    await send(LifespanShutdownComplete.Instance);
                    break;
                case WebSocketScope:
                    await receive();
                    await send(WebSocketAccept.Default);
                    ready.Signal();
                    var disconnect = (WebSocketDisconnect)await receive();
                    events.Enqueue($"websocket.disconnect {disconnect.Code}");
                    break;
                case HttpScope:
                    ready.Signal();
                    await release.Task; // ignores the shutdown: cut when the drain ends
                    break;
            }
        }, asgi: options =>
        {
            options.ShutdownDrainTimeout = TimeSpan.FromMilliseconds(300);
            options.Lifespan.ShutdownTimeout = TimeSpan.FromSeconds(20);
        });

        var socket = host.CreateWebSocketClient(KestrelProtocol.Http2);
        await socket.ConnectAsync("/ws");
        var stuck = host.CreateClient(KestrelProtocol.Http1).GetAsync("/stuck");
        Assert.True(ready.Wait(ClientMessages.Timeout));

        using var hostStopToken = new CancellationTokenSource();
        var stop = host.StopAsync(hostStopToken.Token);
        Assert.Equal((WebSocketCloseStatus)1012, (await socket.Socket.ReceiveMessageAsync()).CloseStatus);
        await socket.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);

        await host.Logs.WaitForAsync(12);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => stuck.WithTimeout());
        release.SetResult();

        // The host's shutdown time is now used up; the lifespan shutdown keeps its own timeout.
        await hostStopToken.CancelAsync();
        await host.Logs.WaitForAsync(e => e.Category == "AsgiBridge.Lifespan" && e.EventId.Id == 46);
        hostTimeUsedUp.SetResult();
        await stop.WithTimeout();

        var order = events.ToArray();
        Assert.Equal(["websocket.disconnect 1012", "lifespan.shutdown after the drain", "lifespan.shutdown.complete"], order);
        Assert.Single(host.Logs.Bridge(47, "AsgiBridge.Lifespan"));
        Assert.Empty(host.Logs.Bridge(49, "AsgiBridge.Lifespan"));
    }
}
