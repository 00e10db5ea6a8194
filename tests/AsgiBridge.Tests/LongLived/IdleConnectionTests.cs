using System.Net.WebSockets;
using System.Text;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Http;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.TestInfrastructure.WebSockets;

namespace AsgiBridge.Tests.LongLived;

/// <summary>
/// Idle and half-open connections on real Kestrel. Each test compares two connections on one host and waits for the event
/// that happens to one of them (a cut), then proves the other is still alive, so no test sleeps:
/// keep-alive pings find a half-open WebSocket peer while a live one stays; Kestrel's keep-alive timeout closes idle
/// HTTP/1.1 connections between requests but never an open WebSocket or SSE stream.
/// </summary>
public sealed class IdleConnectionTests
{
    public static TheoryData<KestrelProtocol> Protocols => [KestrelProtocol.Http1, KestrelProtocol.Http2];

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Keep_alive_pings_cut_a_half_open_peer_and_keep_a_live_one(KestrelProtocol protocol)
    {
        var disconnects = new System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource<int>>();
        var sends = new System.Collections.Concurrent.ConcurrentDictionary<string, AsgiSend>();
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            if (scope is not WebSocketScope ws)
            {
                return;
            }

            await receive();
            await send(WebSocketAccept.Default);
            sends[ws.Path] = send;
            var code = ((WebSocketDisconnect)await receive()).Code;
            disconnects.GetOrAdd(ws.Path, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(code);
        }, asgi: options =>
        {
            // The timeout leaves a loaded CI machine (test projects run side by side on 2 cores) time to schedule the
            // live client's pong; 400 ms once cut the live client too.
            options.WebSocketKeepAliveInterval = TimeSpan.FromMilliseconds(200);
            options.WebSocketKeepAliveTimeout = TimeSpan.FromSeconds(2);
        });

        // The live client always has a read pending, so it answers the server's pings; the half-open one never reads.
        var live = host.CreateWebSocketClient(protocol);
        await live.ConnectAsync("/live");
        var liveRead = live.Socket.ReceiveMessageAsync();
        var halfOpen = host.CreateWebSocketClient(protocol);
        await halfOpen.ConnectAsync("/half-open");

        var cut = await disconnects.GetOrAdd("/half-open", _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WithTimeout();
        Assert.Equal(1006, cut);

        Assert.False(disconnects.TryGetValue("/live", out var liveCut), $"the live client was cut too (code {(liveCut is { Task.IsCompletedSuccessfully: true } ? await liveCut.Task : 0)}): {host.Logs.Describe()}");
        await sends["/live"](WebSocketSend.FromText("still here"));
        Assert.Equal("still here", (await liveRead).Text);
    }

    [Fact]
    public async Task Kestrels_keep_alive_timeout_closes_idle_connections_between_requests_but_not_open_WebSockets_or_SSE_streams()
    {
        var pushes = new System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource>();
        TaskCompletionSource Push(string path) => pushes.GetOrAdd(path, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            switch (scope)
            {
                case WebSocketScope ws:
                    await receive();
                    await send(WebSocketAccept.Default);
                    await Push(ws.Path).Task;
                    await send(WebSocketSend.FromText("after the idle time"));
                    await receive();
                    break;
                case HttpScope http when http.Path == "/events":
                    await send(new HttpResponseStart(200, [new("content-type", "text/event-stream")]));
                    await send(new HttpResponseBody(ReadOnlyMemory<byte>.Empty, moreBody: true));
                    await Push(http.Path + http.HttpVersion).Task;
                    await send(new HttpResponseBody("data: after the idle time\n\n"u8.ToArray()));
                    break;
                case HttpScope:
                    await send(new HttpResponseStart(200, [new("content-length", "2")]));
                    await send(new HttpResponseBody("ok"u8.ToArray()));
                    break;
            }
        }, kestrel: options =>
        {
            options.Limits.KeepAliveTimeout = TimeSpan.FromMilliseconds(500);
        });

        var sockets = new[] { host.CreateWebSocketClient(KestrelProtocol.Http1), host.CreateWebSocketClient(KestrelProtocol.Http2) };
        foreach (var socket in sockets)
        {
            await socket.ConnectAsync("/ws-" + socket.Protocol);
        }

        var streams = new List<StreamReader>();
        foreach (var protocol in new[] { KestrelProtocol.Http1, KestrelProtocol.Http2 })
        {
            var response = await host.CreateClient(protocol).GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);
            streams.Add(new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8));
        }

        // The control: a keep-alive connection idle after its request is closed by Kestrel (after 0.5 s, on its 1 s heartbeat).
        await using var idle = await RawHttpConnection.ConnectAsync(host.Http1Address);
        await idle.SendAsync("GET /ok HTTP/1.1\r\nHost: test\r\n\r\n");
        await idle.ReadUntilAsync("ok");
        await idle.ReadToEndAsync(ClientMessages.Timeout);

        // Idle at least as long, the WebSockets and the SSE streams are still open.
        foreach (var socket in sockets)
        {
            Push("/ws-" + socket.Protocol).SetResult();
            Assert.Equal("after the idle time", (await socket.Socket.ReceiveMessageAsync()).Text);
        }

        Push("/events1.1").SetResult();
        Push("/events2").SetResult();
        foreach (var stream in streams)
        {
            Assert.Equal("data: after the idle time", await stream.ReadLineAsync().WithTimeout());
            stream.Dispose();
        }
    }
}
