using System.Net.WebSockets;
using System.Text.Json;
using AsgiBridge.Messages;
using AsgiBridge.Testing;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.TestInfrastructure.WebSockets;

namespace AsgiBridge.Toolkit.Tests.WebSockets;

/// <summary>
/// The room behind the real bridge: the seed's chat room (join notice, chat to all, typing to all but the typist) through
/// the test client, and on real Kestrel over HTTP/2 a member whose client never reads is dropped while a reading member
/// gets every message.
/// </summary>
public sealed class WebSocketRoomHostingTests
{
    [Fact]
    public async Task The_seed_chat_room_on_the_room_helper_delivers_joins_chat_and_typing()
    {
        var room = new WebSocketRoom("room1");
        await using var client = await AsgiTestClient.StartAsync(async (scope, receive, send) =>
        {
            if (scope is not WebSocketScope ws)
            {
                return;
            }

            var socket = new AsgiWebSocket(ws, receive, send);
            await socket.AcceptAsync();
            await using var member = room.Join(socket);
            room.Broadcast(JsonSerializer.Serialize(new { type = "user_joined", user_count = room.Count }));
            await foreach (var text in socket.ReadTextMessagesAsync())
            {
                using var data = JsonDocument.Parse(text);
                var type = data.RootElement.GetProperty("type").GetString();
                var outgoing = JsonSerializer.Serialize(new { type, user = member.Id });
                if (type == "typing")
                {
                    room.Broadcast(outgoing, except: member);
                }
                else
                {
                    room.Broadcast(outgoing);
                }
            }
        });

        var alice = await client.ConnectWebSocketAsync("/chat/room1");
        Assert.Contains("\"user_count\":1", await alice.ReceiveTextAsync(), StringComparison.Ordinal);
        var bob = await client.ConnectWebSocketAsync("/chat/room1");
        Assert.Contains("\"user_count\":2", await alice.ReceiveTextAsync(), StringComparison.Ordinal);
        Assert.Contains("\"user_count\":2", await bob.ReceiveTextAsync(), StringComparison.Ordinal);

        await alice.SendTextAsync("""{"type":"typing"}""");
        Assert.Contains("typing", await bob.ReceiveTextAsync(), StringComparison.Ordinal);
        await alice.SendTextAsync("""{"type":"chat"}""");

        // Alice's next message is the chat line: her own typing notice never reached her.
        Assert.Contains("chat", await alice.ReceiveTextAsync(), StringComparison.Ordinal);
        Assert.Contains("chat", await bob.ReceiveTextAsync(), StringComparison.Ordinal);

        await bob.CloseAsync();
        await bob.WaitForOutcomeAsync();
        Assert.Equal(1, room.Count);
        await alice.CloseAsync();
    }

    [Fact]
    public async Task On_Kestrel_a_member_that_never_reads_is_dropped_while_a_reader_gets_everything()
    {
        const int Messages = 2000;
        var room = new WebSocketRoom("feed", new WebSocketRoomOptions { MaxQueuedMessages = 8 });
        var joined = new SemaphoreSlim(0);
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            if (scope is not WebSocketScope ws)
            {
                return;
            }

            await receive();
            await send(WebSocketAccept.Default);
            await using var member = room.Join(send, ws.Path[1..]);
            joined.Release();
            while (await receive() is not WebSocketDisconnect)
            {
            }
        });

        var reader = host.CreateWebSocketClient(KestrelProtocol.Http2);
        await reader.ConnectAsync("/reader");
        var sleeper = host.CreateWebSocketClient(KestrelProtocol.Http2);
        await sleeper.ConnectAsync("/sleeper");
        await joined.WaitAsync(ClientMessages.Timeout);
        await joined.WaitAsync(ClientMessages.Timeout);

        // The reader keeps up: the broadcaster stays at most a few messages ahead of it (a live feed, not a burst).
        var window = new SemaphoreSlim(4);
        var reading = Task.Run(async () =>
        {
            var received = 0;
            while (received < Messages)
            {
                var message = await reader.Socket.ReceiveMessageAsync();
                Assert.Equal(WebSocketMessageType.Text, message.Type);
                Assert.Equal($"{received:D5}", message.Text[..5]);
                received++;
                window.Release();
            }

            return received;
        });

        var payload = new string('x', 4096);
        for (var i = 0; i < Messages; i++)
        {
            await window.WaitAsync(ClientMessages.Timeout);
            room.Broadcast($"{i:D5}{payload}");
        }

        Assert.Equal(Messages, await reading.WithTimeout());
        var remaining = Assert.Single(room.Members);
        Assert.Equal("reader", remaining.Id);
        Assert.Equal(1, room.OverflowDropCount);

        // When the sleeper finally reads, it finds what the transport held and then the room's close, 1008.
        ClientMessage last;
        while ((last = await sleeper.Socket.ReceiveMessageAsync()).Type != WebSocketMessageType.Close)
        {
        }

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, last.CloseStatus);
    }
}
