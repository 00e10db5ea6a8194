using System.Net.WebSockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AsgiBridge.Seeds.Tests.Harness;
using AsgiBridge.Seeds.Tests.Ports;
using AsgiBridge.TestInfrastructure.WebSockets;
using Xunit.Abstractions;

namespace AsgiBridge.Seeds.Tests.Seeds;

/// <summary>Seed 003 "WebSocket Chat Application": the page, the room protocol, and a broadcast under load.</summary>
public sealed partial class Seed003ChatTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Chat_page_and_404_are_byte_for_byte_uvicorns()
    {
        await using var servers = await SideBySide.StartAsync("seed003_chat:chat_app", new WebSocketChatApp(TextWriter.Null));

        var page = await servers.AssertSameGetAsync("/");

        Assert.Equal("text/html", page.Header("content-type"));
        Assert.Contains("new WebSocket('ws://localhost:8000/chat/room1')", page.Text, StringComparison.Ordinal);
        Assert.Equal((404, "Not Found"), ((await servers.AssertSameGetAsync("/nope")).Status, (await servers.AssertSameGetAsync("/nope")).Text));
    }

    [Fact]
    public async Task Joining_chatting_typing_bad_json_and_leaving_give_the_same_messages_as_on_uvicorn()
    {
        await using var servers = await SideBySide.StartAsync("seed003_chat:chat_app", new WebSocketChatApp(TextWriter.Null));

        var uvicorn = await RunConversationAsync(() => Connect(servers.CreateUvicornWebSocket(), servers.UvicornWebSocket("/chat/room1")));
        var bridge = await RunConversationAsync(async () =>
        {
            var client = servers.Bridge.CreateWebSocketClient(TestInfrastructure.Kestrel.KestrelProtocol.Http1);
            await client.ConnectAsync("/chat/room1");
            return client.Socket;
        });

        Assert.Equal(uvicorn, bridge);
        Assert.Equal(
        [
            "A: {\"type\": \"user_joined\", \"message\": \"User A joined the room\", \"room\": \"room1\", \"user_count\": 1}",
            "A: {\"type\": \"user_joined\", \"message\": \"User B joined the room\", \"room\": \"room1\", \"user_count\": 2}",
            "B: {\"type\": \"user_joined\", \"message\": \"User B joined the room\", \"room\": \"room1\", \"user_count\": 2}",
            "A: {\"type\": \"chat\", \"message\": \"hi, caf\\u00e9\", \"user\": \"A\", \"room\": \"room1\", \"timestamp\": 0}",
            "B: {\"type\": \"chat\", \"message\": \"hi, caf\\u00e9\", \"user\": \"A\", \"room\": \"room1\", \"timestamp\": 0}",
            "B: {\"type\": \"typing\", \"user\": \"A\", \"room\": \"room1\"}",
            "B: {\"error\": \"Invalid JSON\"}",
            "A: {\"type\": \"user_left\", \"message\": \"User B left the room\", \"room\": \"room1\", \"user_count\": 1}",
        ], bridge);
    }

    [Fact]
    public async Task Six_clients_sending_a_hundred_messages_each_all_get_every_broadcast_on_both_servers()
    {
        const int clients = 6;
        const int messages = 100;
        await using var servers = await SideBySide.StartAsync("seed003_chat:chat_app", new WebSocketChatApp(TextWriter.Null));

        var uvicorn = await BroadcastLoadAsync(clients, messages, () => Connect(servers.CreateUvicornWebSocket(), servers.UvicornWebSocket("/chat/load")));
        var bridge = await BroadcastLoadAsync(clients, messages, async () =>
        {
            var client = servers.Bridge.CreateWebSocketClient(TestInfrastructure.Kestrel.KestrelProtocol.Http1);
            await client.ConnectAsync("/chat/load");
            return client.Socket;
        });

        output.WriteLine($"chat messages delivered of {clients * clients * messages}: uvicorn {uvicorn.Sum()} [{string.Join(", ", uvicorn)}], AsgiBridge {bridge.Sum()} [{string.Join(", ", bridge)}]");
        Assert.All(uvicorn, count => Assert.Equal(clients * messages, count));
        Assert.All(bridge, count => Assert.Equal(clients * messages, count));
    }

    private static async Task<ClientWebSocket> Connect(ClientWebSocket socket, Uri uri)
    {
        await socket.ConnectAsync(uri, CancellationToken.None);
        return socket;
    }

    /// <summary>A joins, B joins, A chats and types, B sends bad JSON and leaves: every message, ids as A/B, timestamps 0.</summary>
    private static async Task<List<string>> RunConversationAsync(Func<Task<ClientWebSocket>> connect)
    {
        var transcript = new List<string>();
        var ids = new Dictionary<string, string>();
        async Task Expect(ClientWebSocket socket, string who)
        {
            var text = (await socket.ReceiveMessageAsync()).Text;
            if (ids.Count < 2 && UserNumber().Match(text) is { Success: true } joined && !ids.ContainsKey(joined.Groups[1].Value))
            {
                ids[joined.Groups[1].Value] = ids.Count == 0 ? "A" : "B";
            }

            transcript.Add($"{who}: {Normalise(text, ids)}");
        }

        var a = await connect();
        await Expect(a, "A");
        var b = await connect();
        await Expect(a, "A");
        await Expect(b, "B");
        await a.SendTextAsync("""{"type": "chat", "message": "hi, café"}""");
        await Expect(a, "A");
        await Expect(b, "B");
        await a.SendTextAsync("""{"type": "typing"}""");
        await Expect(b, "B");
        await b.SendTextAsync("{not json");
        await Expect(b, "B");
        await b.CloseAsync(WebSocketCloseStatus.NormalClosure);
        await Expect(a, "A");
        await a.CloseAsync(WebSocketCloseStatus.NormalClosure);
        return transcript;
    }

    private static string Normalise(string json, Dictionary<string, string> ids)
    {
        var text = UserNumber().Replace(json, m => $"User {ids.GetValueOrDefault(m.Groups[1].Value, "?")} ");
        var node = JsonNode.Parse(text)!.AsObject();
        if (node["user"] is JsonValue user)
        {
            node["user"] = ids.GetValueOrDefault(user.ToJsonString(), "?");
        }

        if (node.ContainsKey("timestamp"))
        {
            node["timestamp"] = 0;
        }

        return PythonJson.Dumps(System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(node.ToJsonString()));
    }

    /// <summary>Connects <paramref name="clients"/> clients, has each send <paramref name="messages"/> chats at once, and counts the chats each receives.</summary>
    private static async Task<int[]> BroadcastLoadAsync(int clients, int messages, Func<Task<ClientWebSocket>> connect)
    {
        var sockets = new List<ClientWebSocket>();
        for (var i = 0; i < clients; i++)
        {
            var socket = await connect();
            sockets.Add(socket);
            // Its own join notice comes first; the others' notices are counted out below.
            while (!(await socket.ReceiveMessageAsync()).Text.Contains($"\"user_count\": {i + 1}", StringComparison.Ordinal))
            {
            }
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var counts = new int[clients];
        var readers = sockets.Select((socket, index) => Task.Run(async () =>
        {
            try
            {
                while (counts[index] < clients * messages)
                {
                    var message = await socket.ReceiveMessageAsync().WaitAsync(timeout.Token);
                    if (message.Type == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    if (message.Text.StartsWith("{\"type\": \"chat\"", StringComparison.Ordinal))
                    {
                        counts[index]++;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Counted what arrived in time.
            }
        })).ToArray();
        var senders = sockets.Select((socket, index) => Task.Run(async () =>
        {
            for (var m = 0; m < messages; m++)
            {
                await socket.SendTextAsync($"{{\"type\": \"chat\", \"message\": \"{index}-{m}\"}}");
            }
        })).ToArray();
        await Task.WhenAll(senders);
        await Task.WhenAll(readers);
        foreach (var socket in sockets)
        {
            socket.Abort();
        }

        return counts;
    }

    [GeneratedRegex(@"User (\d+) ")]
    private static partial Regex UserNumber();
}
