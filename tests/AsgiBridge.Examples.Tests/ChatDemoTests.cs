using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using AsgiBridge.TestInfrastructure.WebSockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AsgiBridge.Examples.Tests;

[Collection(nameof(WebApplicationFactoryGroup))]
public sealed class ChatDemoTests(WebApplicationFactory<ChatDemo.Program> factory) : IClassFixture<WebApplicationFactory<ChatDemo.Program>>
{
    private async Task<WebSocket> JoinAsync(string room, string query = "")
    {
        using var timeout = new CancellationTokenSource(ClientMessages.Timeout);
        return await factory.Server.CreateWebSocketClient().ConnectAsync(new Uri(factory.Server.BaseAddress, "/chat/" + room + query), timeout.Token);
    }

    private static async Task<JsonElement> NextAsync(WebSocket socket)
    {
        var message = await socket.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Text, message.Type);
        return JsonDocument.Parse(message.Text).RootElement.Clone();
    }

    private static string Room() => "room-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Page_is_served_at_the_root_and_connects_to_the_room_path()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("id=\"typing\"", html, StringComparison.Ordinal);
        Assert.Contains("<script src=\"/static/chat.js\">", html, StringComparison.Ordinal);

        // The assets come through StaticFiles: typed, cacheable, and contained in their folder.
        using var script = await client.GetAsync("/static/chat.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(script.Headers.ETag);
        Assert.Contains("/chat/${encodeURIComponent(room)}", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var style = await client.GetAsync("/static/chat.css");
        Assert.Equal("text/css", style.Content.Headers.ContentType?.MediaType);
        foreach (var escape in new[] { "/static/..%2FChat.dll", "/static/%2e%2e/Chat.dll", "/static/..%5CChat.dll", "/static/" })
        {
            using var refused = await client.GetAsync(escape);
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }

        using var missing = await client.GetAsync("/missing");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Join_chat_and_leave_are_broadcast_with_user_counts()
    {
        var room = Room();
        using var alice = await JoinAsync(room);
        var joined = await NextAsync(alice);
        Assert.Equal("user_joined", joined.GetProperty("type").GetString());
        Assert.Equal(1, joined.GetProperty("user_count").GetInt32());

        using var bob = await JoinAsync(room);
        Assert.Equal(2, (await NextAsync(alice)).GetProperty("user_count").GetInt32());
        Assert.Equal(2, (await NextAsync(bob)).GetProperty("user_count").GetInt32());

        await alice.SendTextAsync("""{"type":"chat","user":"alice","message":"hello bob"}""");
        foreach (var socket in new[] { alice, bob })
        {
            var chat = await NextAsync(socket);
            Assert.Equal("chat", chat.GetProperty("type").GetString());
            Assert.Equal("alice", chat.GetProperty("user").GetString());
            Assert.Equal("hello bob", chat.GetProperty("message").GetString());
            Assert.Equal(room, chat.GetProperty("room").GetString());
        }

        await bob.CloseAsync(WebSocketCloseStatus.NormalClosure);
        var left = await NextAsync(alice);
        Assert.Equal("user_left", left.GetProperty("type").GetString());
        Assert.Equal(1, left.GetProperty("user_count").GetInt32());
    }

    [Fact]
    public async Task Members_who_connect_back_to_back_are_announced_in_that_order_with_consistent_counts() =>
        await AnnouncesInOrderAsync(room => JoinAsync(room, "?user=alice"), room => JoinAsync(room, "?user=bob"), room => JoinAsync(room, "?user=carol"));

    [Fact]
    public async Task On_Kestrel_members_who_connect_back_to_back_are_announced_in_that_order_with_consistent_counts()
    {
        // Over real sockets the race is wider than in memory: repeated, so that a notice handed to a member who joined after
        // it was said (or two notices out of order) shows up.
        await using var kestrel = new WebApplicationFactory<ChatDemo.Program>().WithWebHostBuilder(builder => builder.UseUrls("http://127.0.0.1:0"));
        kestrel.UseKestrel();
        kestrel.StartServer();
        var address = new UriBuilder(kestrel.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) { Scheme = "ws" }.Uri;
        async Task<WebSocket> Join(string room, string user)
        {
            var socket = new ClientWebSocket();
            using var timeout = new CancellationTokenSource(ClientMessages.Timeout);
            await socket.ConnectAsync(new Uri(address, "/chat/" + room + "?user=" + user), timeout.Token);
            return socket;
        }

        for (var i = 0; i < 20; i++)
        {
            await AnnouncesInOrderAsync(room => Join(room, "alice"), room => Join(room, "bob"), room => Join(room, "carol"));
        }
    }

    private static async Task AnnouncesInOrderAsync(params Func<string, Task<WebSocket>>[] joins)
    {
        // As on uvicorn, where the seed joins and announces in one step of its event loop: once a client's connect has
        // returned it is in the room, so the next one is announced after it, and every notice counts the room as it is.
        var room = Room();
        using var alice = await joins[0](room);
        using var bob = await joins[1](room);
        using var carol = await joins[2](room);
        var expected = new[] { ("alice", 1), ("bob", 2), ("carol", 3) };
        foreach (var (socket, from) in new[] { (alice, 0), (bob, 1), (carol, 2) })
        {
            foreach (var (user, count) in expected[from..])
            {
                var joined = await NextAsync(socket);
                Assert.Equal("user_joined", joined.GetProperty("type").GetString());
                Assert.Equal((user, count), (joined.GetProperty("user").GetString(), joined.GetProperty("user_count").GetInt32()));
            }
        }

        // Two members leaving at once: whichever goes first, the notices count down without a gap or a repeat.
        await Task.WhenAll(bob.CloseAsync(WebSocketCloseStatus.NormalClosure), carol.CloseAsync(WebSocketCloseStatus.NormalClosure));
        var first = await NextAsync(alice);
        var second = await NextAsync(alice);
        Assert.Equal([2, 1], new[] { first.GetProperty("user_count").GetInt32(), second.GetProperty("user_count").GetInt32() });
        Assert.Equal(["bob", "carol"], new[] { first.GetProperty("user").GetString(), second.GetProperty("user").GetString() }.Order());
        await alice.CloseAsync(WebSocketCloseStatus.NormalClosure);
    }

    [Fact]
    public async Task Join_and_leave_notices_carry_the_seeds_fields_and_the_name_from_the_query()
    {
        var room = Room();
        using var alice = await JoinAsync(room, "?user=alice%20b");
        var joined = await NextAsync(alice);
        Assert.Equal("alice b", joined.GetProperty("user").GetString());
        Assert.Equal("User alice b joined the room", joined.GetProperty("message").GetString());
        Assert.Equal(room, joined.GetProperty("room").GetString());

        using var anonymous = await JoinAsync(room);
        Assert.Equal("Anonymous", (await NextAsync(alice)).GetProperty("user").GetString());
        await NextAsync(anonymous);

        // A chat line without "user" is signed with the name the sender joined with.
        await alice.SendTextAsync("""{"type":"chat","message":"hi"}""");
        Assert.Equal("alice b", (await NextAsync(anonymous)).GetProperty("user").GetString());
        await NextAsync(alice);

        await anonymous.CloseAsync(WebSocketCloseStatus.NormalClosure);
        var left = await NextAsync(alice);
        Assert.Equal("user_left", left.GetProperty("type").GetString());
        Assert.Equal("User Anonymous left the room", left.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Chat_lines_are_written_as_starlette_writes_them_without_escaping_plus_or_non_ascii()
    {
        var room = Room();
        using var alice = await JoinAsync(room, "?user=alice");
        await NextAsync(alice);

        await alice.SendTextAsync("""{"type":"chat","message":"café 1+1 <b>"}""");
        var text = (await alice.ReceiveMessageAsync()).Text;

        // starlette's send_json: json.dumps(..., ensure_ascii=False). The timestamp's offset keeps its '+'.
        Assert.Contains("\"message\":\"café 1+1 <b>\"", text, StringComparison.Ordinal);
        Assert.Matches("\"timestamp\":\"[0-9T:.-]+\\+00:00\"", text);
    }

    [Fact]
    public async Task Typing_goes_to_everyone_but_the_sender()
    {
        var room = Room();
        using var alice = await JoinAsync(room);
        await NextAsync(alice);
        using var bob = await JoinAsync(room);
        await NextAsync(alice);
        await NextAsync(bob);

        await alice.SendTextAsync("""{"type":"typing","user":"alice"}""");
        var typing = await NextAsync(bob);
        Assert.Equal("typing", typing.GetProperty("type").GetString());
        Assert.Equal("alice", typing.GetProperty("user").GetString());

        // Alice's next message is her own chat line: the typing notice never reached her.
        await alice.SendTextAsync("""{"type":"chat","user":"alice","message":"done typing"}""");
        Assert.Equal("chat", (await NextAsync(alice)).GetProperty("type").GetString());
        Assert.Equal("chat", (await NextAsync(bob)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Invalid_json_gets_an_error_only_for_the_sender()
    {
        var room = Room();
        using var alice = await JoinAsync(room);
        await NextAsync(alice);
        using var bob = await JoinAsync(room);
        await NextAsync(alice);
        await NextAsync(bob);

        await alice.SendTextAsync("{not json");
        Assert.Equal("""{"error":"Invalid JSON"}""", (await alice.ReceiveMessageAsync()).Text);
        await alice.SendTextAsync("[1,2]");
        Assert.Equal("""{"error":"Invalid JSON"}""", (await alice.ReceiveMessageAsync()).Text);

        await bob.SendTextAsync("""{"type":"chat","user":"bob","message":"still here"}""");
        Assert.Equal("still here", (await NextAsync(bob)).GetProperty("message").GetString());
        Assert.Equal("still here", (await NextAsync(alice)).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Rooms_are_isolated()
    {
        using var alice = await JoinAsync(Room());
        await NextAsync(alice);
        using var carol = await JoinAsync(Room());
        await NextAsync(carol);

        await carol.SendTextAsync("""{"type":"chat","user":"carol","message":"only mine"}""");
        Assert.Equal("carol", (await NextAsync(carol)).GetProperty("user").GetString());
        await alice.SendTextAsync("""{"type":"chat","user":"alice","message":"mine"}""");
        Assert.Equal("alice", (await NextAsync(alice)).GetProperty("user").GetString());
    }

    [Fact]
    public async Task WebSockets_outside_chat_rooms_are_denied_with_403()
    {
        using var timeout = new CancellationTokenSource(ClientMessages.Timeout);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            factory.Server.CreateWebSocketClient().ConnectAsync(new Uri(factory.Server.BaseAddress, "/elsewhere"), timeout.Token));
        Assert.Contains("403", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_whose_connection_dies_leaves_the_room_and_the_others_keep_chatting()
    {
        var room = Room();
        using var alice = await JoinAsync(room);
        await NextAsync(alice);
        var bob = await JoinAsync(room);
        await NextAsync(alice);
        await NextAsync(bob);

        bob.Abort();
        var left = await NextAsync(alice);
        Assert.Equal("user_left", left.GetProperty("type").GetString());
        Assert.Equal(1, left.GetProperty("user_count").GetInt32());

        await alice.SendTextAsync("""{"type":"chat","user":"alice","message":"anyone?"}""");
        Assert.Equal("anyone?", (await NextAsync(alice)).GetProperty("message").GetString());
        bob.Dispose();
    }
}
