using System.Net.WebSockets;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.TestInfrastructure.WebSockets;

namespace AsgiBridge.Tests.LongLived;

/// <summary>
/// Broadcast-safe sends on real Kestrel: many tasks share one connection's <c>send</c>, as the seed chat room does. Every
/// message arrives, each sender's messages stay in its order, and the contention really happened.
/// </summary>
public sealed class ConcurrentSendTests
{
    private const int Senders = 8;
    private const int PerSender = 250;

    public static TheoryData<KestrelProtocol> Protocols => [KestrelProtocol.Http1, KestrelProtocol.Http2];

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Many_tasks_sending_on_one_WebSocket_lose_nothing_and_keep_each_senders_order(KestrelProtocol protocol)
    {
        var overlap = new OverlapMeter();
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            if (scope is not WebSocketScope)
            {
                return;
            }

            await receive();
            await send(WebSocketAccept.Default);
            // Messages large enough that writes wait for the socket, so the senders really contend.
            await RunSendersAsync(overlap, i => send(WebSocketSend.FromText(i.PadRight(8192, '.'))));
            await send(new WebSocketClose(1000, "done"));
            while (await receive() is not WebSocketDisconnect)
            {
            }
        });

        var client = host.CreateWebSocketClient(protocol);
        await client.ConnectAsync("/ws");
        var received = new List<string>();
        while (true)
        {
            var message = await client.Socket.ReceiveMessageAsync();
            if (message.Type == WebSocketMessageType.Close)
            {
                Assert.Equal(WebSocketCloseStatus.NormalClosure, message.CloseStatus);
                await client.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                break;
            }

            received.Add(message.Text.TrimEnd('.'));
        }

        AssertEverySenderInOrder(received);
        Assert.True(overlap.Max > 1, $"the senders never overlapped (max {overlap.Max} sends in flight): the test did not exercise contention");
        AsgiBridge.Hosting.AsgiConnectionOutcome outcome;
        try
        {
            outcome = await host.WaitForOutcomeAsync(client.RequestId);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + host.Logs.Describe(), ex);
        }

        Assert.Equal(AsgiBridge.Hosting.AsgiConnectionEnd.Completed, outcome.End);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Many_tasks_streaming_one_HTTP_response_lose_nothing_and_keep_each_senders_order(KestrelProtocol protocol)
    {
        var overlap = new OverlapMeter();
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            if (scope is not HttpScope)
            {
                return;
            }

            await send(new HttpResponseStart(200, [new("content-type", "text/plain")]));
            // Chunks large enough that writes wait for the socket, so the senders really contend.
            await RunSendersAsync(overlap, line => send(new HttpResponseBody(System.Text.Encoding.UTF8.GetBytes(line.PadRight(8192, '.') + "\n"), moreBody: true)));
            await send(new HttpResponseBody(ReadOnlyMemory<byte>.Empty));
        });

        var http = host.CreateClient(protocol);
        var body = await http.GetStringAsync("/stream");

        AssertEverySenderInOrder([.. body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('.'))]);
        Assert.True(overlap.Max > 1, $"the senders never overlapped (max {overlap.Max} sends in flight)");
    }

    /// <summary>Starts <see cref="Senders"/> tasks at once, each sending "sender:index" <see cref="PerSender"/> times.</summary>
    private static async Task RunSendersAsync(OverlapMeter overlap, Func<string, ValueTask> send)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var senders = Enumerable.Range(0, Senders).Select(sender => Task.Run(async () =>
        {
            await start.Task;
            for (var i = 0; i < PerSender; i++)
            {
                using (overlap.Enter())
                {
                    await send($"{sender}:{i}");
                }
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(senders);
    }

    private static void AssertEverySenderInOrder(List<string> received)
    {
        Assert.Equal(Senders * PerSender, received.Count);
        var next = new int[Senders];
        foreach (var item in received)
        {
            var parts = item.Split(':');
            var sender = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
            var index = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(next[sender] == index, $"sender {sender}: expected message {next[sender]}, got {index}");
            next[sender]++;
        }

        Assert.All(next, count => Assert.Equal(PerSender, count));
    }
}
