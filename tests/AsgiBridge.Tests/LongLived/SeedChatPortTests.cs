using System.Net.WebSockets;
using System.Text.Json;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.TestInfrastructure.WebSockets;
using Xunit.Abstractions;

namespace AsgiBridge.Tests.LongLived;

/// <summary>
/// Issue 12's measure: the seed chat ported line by line, 6 clients × 100 messages each on real Kestrel, every message
/// broadcast to the room. Before the engine serialised sends this delivered 0 of 600 messages and dropped every member.
/// </summary>
public sealed class SeedChatPortTests(ITestOutputHelper output)
{
    private const int Clients = 6;
    private const int MessagesPerClient = 100;

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Six_clients_times_100_messages_are_all_delivered_to_every_member(KestrelProtocol protocol)
    {
        var chat = new SeedChatPort();
        await using var host = await KestrelTestHost.StartAsync(chat.App);
        var clients = new List<KestrelWebSocketClient>();
        for (var i = 0; i < Clients; i++)
        {
            var client = host.CreateWebSocketClient(protocol);
            await client.ConnectAsync("/chat/room1");
            clients.Add(client);
        }

        // Every client waits until it saw the room complete, so no chat line can precede a join.
        var ready = clients.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var readers = clients.Select((c, i) => Task.Run(() => ReadRoomAsync(c.Socket, ready[i]))).ToArray();
        await Task.WhenAll(ready.Select(r => r.Task)).WithTimeout();
        await Task.WhenAll(clients.Select((c, i) => Task.Run(async () =>
        {
            for (var n = 0; n < MessagesPerClient; n++)
            {
                await c.Socket.SendTextAsync(JsonSerializer.Serialize(new { type = "chat", message = $"{i}:{n}" }));
            }
        })));

        var received = await Task.WhenAll(readers).WithTimeout();
        var deliveries = received.Sum(r => r.Count);
        var fullyDelivered = received.SelectMany(r => r).GroupBy(m => m).Count(g => g.Count() == Clients);
        output.WriteLine($"{protocol}: {deliveries}/{Clients * Clients * MessagesPerClient} deliveries, {fullyDelivered}/{Clients * MessagesPerClient} messages reached all {Clients} members, {chat.DeadRemoved} members removed as dead");

        Assert.Equal(0, chat.DeadRemoved);
        Assert.Equal(Clients * MessagesPerClient, fullyDelivered);
        foreach (var lines in received)
        {
            // Each sender's lines arrive in its order at every member.
            foreach (var sender in lines.GroupBy(l => l.Split(':')[0]))
            {
                Assert.Equal(Enumerable.Range(0, MessagesPerClient).Select(n => $"{sender.Key}:{n}"), sender);
            }
        }
    }

    /// <summary>Reads until the client has every chat line of the room; <paramref name="ready"/> is set once it saw all members join.</summary>
    private static async Task<List<string>> ReadRoomAsync(WebSocket socket, TaskCompletionSource ready)
    {
        var lines = new List<string>();
        while (lines.Count < Clients * MessagesPerClient)
        {
            var message = await socket.ReceiveMessageAsync();
            Assert.Equal(WebSocketMessageType.Text, message.Type);
            using var json = JsonDocument.Parse(message.Text);
            var root = json.RootElement;
            switch (root.GetProperty("type").GetString())
            {
                case "chat":
                    lines.Add(root.GetProperty("message").GetString()!);
                    break;
                case "user_joined" when root.GetProperty("user_count").GetInt32() == Clients:
                    ready.TrySetResult();
                    break;
            }
        }

        return lines;
    }
}
