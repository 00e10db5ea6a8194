using System.Text;
using AsgiBridge.Messages;

namespace AsgiBridge.Channels.Tests.TwoServers;

/// <summary>
/// The smallest room server on the channel layer, as the chat example uses it: a WebSocket on <c>/rooms/{room}</c> gets a
/// channel of its own, joins the room's group, and from then on two loops run: what the client sends goes to the group,
/// what the channel receives goes to the client (the only sender on the socket after accept, as ASGI wants).
/// </summary>
internal static class RoomApp
{
    private const string Prefix = "/rooms/";

    public static async Task Run(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        if (scope is not WebSocketScope socket || !socket.Path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            if (scope is HttpScope)
            {
                await send(new HttpResponseStart(404, []));
                await send(new HttpResponseBody("Not Found"u8.ToArray()));
            }

            return;
        }

        if (await receive() is not WebSocketConnect)
        {
            return;
        }

        var layer = scope.GetChannelLayer();
        var group = ChannelNames.ToGroupName(socket.Path[Prefix.Length..], "room.");
        await send(WebSocketAccept.Default);
        await using var channel = await AsgiChannel.OpenAsync(layer);
        await channel.JoinAsync(group);
        using var stop = new CancellationTokenSource();
        var toClient = ForwardAsync(channel, send, stop.Token);
        try
        {
            while (await receive() is WebSocketReceive message)
            {
                var text = message.Text ?? Encoding.UTF8.GetString(message.Bytes!.Value.Span);
                await layer.GroupSendAsync(group, new ChannelMessage("room.message") { ["text"] = text });
            }
        }
        finally
        {
            await stop.CancelAsync();
            await toClient;
        }
    }

    private static async Task ForwardAsync(AsgiChannel channel, AsgiSend send, CancellationToken stop)
    {
        try
        {
            await foreach (var message in channel.ReadAllAsync(stop))
            {
                await send(WebSocketSend.FromText(message.GetString("text")));
            }
        }
        catch (IOException)
        {
            // The client is gone; the receive loop ends too.
        }
    }
}
