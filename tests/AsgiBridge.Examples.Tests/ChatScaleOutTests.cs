using System.Net.WebSockets;
using System.Text.Json;
using AsgiBridge.TestInfrastructure.Brokers;
using AsgiBridge.TestInfrastructure.WebSockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AsgiBridge.Examples.Tests;

/// <summary>
/// Two instances of examples/Chat on real Kestrel sharing one real redis-server (started by the test on a loopback port,
/// through <c>ConnectionStrings:Redis</c>): a room spans both instances (chat both ways, typing to all but the typist), and
/// a room of another name hears nothing.
/// </summary>
[Collection(nameof(WebApplicationFactoryGroup))]
public sealed class ChatScaleOutTests : IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private readonly List<WebApplicationFactory<ChatDemo.Program>> _instances = [];
    private readonly List<ClientWebSocket> _sockets = [];

    public async Task InitializeAsync() => await _redis.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Two_instances_on_one_Redis_share_a_room_and_other_rooms_hear_nothing()
    {
        var a = StartInstance();
        var b = StartInstance();
        var room = "lobby-" + Guid.NewGuid().ToString("N")[..6];

        var alice = await JoinAsync(a, room);
        Assert.Equal("user_joined", (await NextAsync(alice)).GetProperty("type").GetString());
        var bob = await JoinAsync(b, room);
        Assert.Equal("user_joined", (await NextAsync(bob)).GetProperty("type").GetString());
        var carol = await JoinAsync(b, "elsewhere-" + room);
        Assert.Equal("user_joined", (await NextAsync(carol)).GetProperty("type").GetString());

        // A → B and B → A, through Redis, with the bytes the chat always sent.
        await alice.SendTextAsync("""{"type":"chat","user":"alice","message":"hello from A"}""");
        var onB = await NextOfTypeAsync(bob, "chat");
        Assert.Equal("hello from A", onB.GetProperty("message").GetString());
        Assert.Equal("alice", onB.GetProperty("user").GetString());
        Assert.Equal(room, onB.GetProperty("room").GetString());
        Assert.Equal("hello from A", (await NextOfTypeAsync(alice, "chat")).GetProperty("message").GetString());

        await bob.SendTextAsync("""{"type":"chat","user":"bob","message":"hello from B"}""");
        Assert.Equal("hello from B", (await NextOfTypeAsync(alice, "chat")).GetProperty("message").GetString());
        Assert.Equal("hello from B", (await NextOfTypeAsync(bob, "chat")).GetProperty("message").GetString());

        // Typing crosses instances too, and still skips the typist (named by member id across the layer).
        await alice.SendTextAsync("""{"type":"typing","user":"alice"}""");
        Assert.Equal("alice", (await NextOfTypeAsync(bob, "typing")).GetProperty("user").GetString());
        await alice.SendTextAsync("""{"type":"chat","user":"alice","message":"done"}""");
        var next = await NextAsync(alice);
        Assert.Equal("chat", next.GetProperty("type").GetString());

        // Carol's room, on the same instance as Bob, got none of it: her next message is her own marker.
        await carol.SendTextAsync("""{"type":"chat","user":"carol","message":"marker"}""");
        var first = await NextAsync(carol);
        Assert.Equal("chat", first.GetProperty("type").GetString());
        Assert.Equal("marker", first.GetProperty("message").GetString());

        // Leaving on B is announced on A.
        await bob.CloseAsync(WebSocketCloseStatus.NormalClosure);
        Assert.Equal("user_left", (await NextOfTypeAsync(alice, "user_left")).GetProperty("type").GetString());
    }

    private Uri StartInstance()
    {
        var factory = new WebApplicationFactory<ChatDemo.Program>()
            .WithWebHostBuilder(builder => builder
                .UseSetting("ConnectionStrings:Redis", _redis.ConnectionString)
                .UseUrls("http://127.0.0.1:0"));
        _instances.Add(factory);
        factory.UseKestrel();
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new UriBuilder(address) { Scheme = "ws" }.Uri;
    }

    private async Task<ClientWebSocket> JoinAsync(Uri instance, string room)
    {
        var socket = new ClientWebSocket();
        _sockets.Add(socket);
        using var timeout = new CancellationTokenSource(ClientMessages.Timeout);
        await socket.ConnectAsync(new Uri(instance, "/chat/" + room), timeout.Token);
        return socket;
    }

    private static async Task<JsonElement> NextAsync(WebSocket socket)
    {
        var message = await socket.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Text, message.Type);
        return JsonDocument.Parse(message.Text).RootElement.Clone();
    }

    /// <summary>The next message of <paramref name="type"/>, skipping join and leave notices (their order across instances is not fixed).</summary>
    private static async Task<JsonElement> NextOfTypeAsync(WebSocket socket, string type)
    {
        while (true)
        {
            var message = await NextAsync(socket);
            var actual = message.GetProperty("type").GetString();
            if (actual == type)
            {
                return message;
            }

            Assert.True(actual is "user_joined" or "user_left", $"expected {type}, got {message}");
        }
    }
}
