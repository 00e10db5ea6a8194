using System.Collections.Concurrent;
using System.Text.Json;
using AsgiBridge.Conversion;

namespace AsgiBridge.Tests.LongLived;

/// <summary>
/// The seed article's <c>WebSocketChatApp</c> (shared/seeds/003) ported line by line in the dictionary style, as a new
/// user would: a room is a set of <c>send</c> callables, and each member's handler broadcasts by awaiting every other
/// member's <c>send</c> in turn, so several handlers call one connection's <c>send</c> at the same time.
/// </summary>
internal sealed class SeedChatPort
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Func<IDictionary<string, object?>, Task>, int>> _connections = new();
    private readonly ConcurrentDictionary<int, string> _userRooms = new();
    private int _nextId;
    private int _deadRemoved;

    /// <summary>How many times a broadcast removed a "dead" connection (the seed prints "Removed dead connection").</summary>
    public int DeadRemoved => Volatile.Read(ref _deadRemoved);

    public AsgiApp App => AsgiDictionaryApp.Create(CallAsync);

    private async Task CallAsync(IDictionary<string, object?> scope, Func<Task<IDictionary<string, object?>>> receive, Func<IDictionary<string, object?>, Task> send)
    {
        if ((string)scope["type"]! == "websocket")
        {
            var path = (string)scope["path"]!;
            if (path.StartsWith("/chat/", StringComparison.Ordinal))
            {
                await ChatHandlerAsync(receive, send, path.Split('/')[^1]);
            }
            else
            {
                await send(new Dictionary<string, object?> { ["type"] = "websocket.close", ["code"] = 1000 });
            }
        }
    }

    private async Task ChatHandlerAsync(Func<Task<IDictionary<string, object?>>> receive, Func<IDictionary<string, object?>, Task> send, string roomId)
    {
        await receive(); // websocket.connect (the seed accepts without reading it; the bridge holds the handshake until then)
        await send(new Dictionary<string, object?> { ["type"] = "websocket.accept" });
        var connectionId = Interlocked.Increment(ref _nextId); // id(send)
        var room = _connections.GetOrAdd(roomId, _ => new());
        room[send] = connectionId;
        _userRooms[connectionId] = roomId;
        await BroadcastToRoomAsync(roomId, new() { ["type"] = "user_joined", ["room"] = roomId, ["user_count"] = room.Count });
        try
        {
            while (true)
            {
                var message = await receive();
                if ((string)message["type"]! == "websocket.receive")
                {
                    if (message.TryGetValue("text", out var text) && text is string json)
                    {
                        var data = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;
                        await HandleChatMessageAsync(data, roomId, connectionId);
                    }
                }
                else if ((string)message["type"]! == "websocket.disconnect")
                {
                    break;
                }
            }
        }
        finally
        {
            room.TryRemove(send, out _);
            _userRooms.TryRemove(connectionId, out _);
            await BroadcastToRoomAsync(roomId, new() { ["type"] = "user_left", ["room"] = roomId, ["user_count"] = room.Count });
        }
    }

    private Task HandleChatMessageAsync(Dictionary<string, JsonElement> data, string roomId, int connectionId) =>
        data["type"].GetString() switch
        {
            "chat" => BroadcastToRoomAsync(roomId, new() { ["type"] = "chat", ["message"] = data["message"].GetString(), ["user"] = connectionId, ["room"] = roomId }),
            "typing" => BroadcastToRoomAsync(roomId, new() { ["type"] = "typing", ["user"] = connectionId, ["room"] = roomId }, exclude: connectionId),
            _ => Task.CompletedTask,
        };

    private async Task BroadcastToRoomAsync(string roomId, Dictionary<string, object?> message, int? exclude = null)
    {
        var messageText = JsonSerializer.Serialize(message);
        foreach (var (connection, id) in _connections[roomId].ToArray())
        {
            if (id != exclude)
            {
                try
                {
                    await connection(new Dictionary<string, object?> { ["type"] = "websocket.send", ["text"] = messageText });
                }
                catch (Exception)
                {
                    _connections[roomId].TryRemove(connection, out _);
                    Interlocked.Increment(ref _deadRemoved);
                }
            }
        }
    }
}
