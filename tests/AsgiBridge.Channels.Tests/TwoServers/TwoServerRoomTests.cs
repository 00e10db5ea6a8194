using AsgiBridge.TestInfrastructure.Brokers;
using System.Net.WebSockets;
using System.Text;
using AsgiBridge.Channels.Tests.Infrastructure;
using AsgiBridge.Composition;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Channels.Tests.TwoServers;

/// <summary>
/// Two real Kestrel servers running <see cref="RoomApp"/> on one Redis, as two instances behind a load balancer would:
/// WebSocket clients connected to different servers share a room, and a room of another name hears nothing.
/// </summary>
public sealed class TwoServerRoomTests : IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private readonly List<WebApplication> _servers = [];

    public Task InitializeAsync() => _redis.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.StopAsync();
            await server.DisposeAsync();
        }

        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Clients_on_two_servers_share_a_room_and_another_room_hears_nothing()
    {
        var a = await StartServerAsync(_redis.ConnectionString);
        var b = await StartServerAsync(_redis.ConnectionString);
        using var aliceOnA = await ConnectAsync(a, "lobby");
        using var bobOnB = await ConnectAsync(b, "lobby");
        using var carolOnB = await ConnectAsync(b, "other");
        using var daveOnA = await ConnectAsync(a, "other");

        await SendAsync(aliceOnA, "hello from A");
        Assert.Equal("hello from A", await ReceiveAsync(bobOnB));
        Assert.Equal("hello from A", await ReceiveAsync(aliceOnA));

        await SendAsync(daveOnA, "marker");
        Assert.Equal("marker", await ReceiveAsync(carolOnB));   // the first thing carol hears: the lobby never reached her
    }

    [Fact]
    public async Task Without_a_broker_each_server_runs_its_rooms_alone()
    {
        var a = await StartServerAsync(redis: null);
        var b = await StartServerAsync(redis: null);
        using var aliceOnA = await ConnectAsync(a, "lobby");
        using var bobOnB = await ConnectAsync(b, "lobby");
        using var eveOnA = await ConnectAsync(a, "lobby");

        await SendAsync(aliceOnA, "only on A");
        Assert.Equal("only on A", await ReceiveAsync(eveOnA));
        await SendAsync(bobOnB, "only on B");
        Assert.Equal("only on B", await ReceiveAsync(bobOnB));   // bob's first message is his own: A's never came
    }

    private async Task<Uri> StartServerAsync(string? redis)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddAsgi();
        var layer = builder.Services.AddAsgiChannelLayer();
        if (redis is not null)
        {
            layer.UseRedis(redis);
        }

        var app = builder.Build();
        app.UseAsgi(pipeline => pipeline.UseChannelLayer().Run(RoomApp.Run));
        await app.StartAsync();
        _servers.Add(app);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal));
    }

    private static async Task<ClientWebSocket> ConnectAsync(Uri server, string room)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(server, "/rooms/" + room), Wait.Token());
        return socket;
    }

    private static Task SendAsync(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, Wait.Token());

    private static async Task<string> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[4096];
        var result = await socket.ReceiveAsync(buffer, Wait.Token());
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        Assert.True(result.EndOfMessage);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }
}
