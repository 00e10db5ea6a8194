using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using AsgiBridge.Composition;
using AsgiBridge.Conversion;
using Message = System.Collections.Generic.Dictionary<string, object?>;

namespace AsgiBridge.Seeds.Tests.Ports;

/// <summary>
/// Seed 003 "WebSocket Chat Application" (python/seed003_chat.py). One difference is forced by the platform: a Python
/// app runs on one event loop, so the article's dictionaries and sets need no lock; here connections run in parallel,
/// so every touch of the shared room table takes <see cref="_gate"/>. <c>id(send)</c> is the delegate's identity hash.
/// </summary>
/// <param name="stdout">Where <c>print</c> goes.</param>
internal sealed class WebSocketChatApp(TextWriter stdout) : IAsgiApplication
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<AsgiSend>> _connections = []; // room_id -> set of connections
    private readonly Dictionary<int, string> _userRooms = []; // connection_id -> room_id

    /// <summary>The app as a delegate.</summary>
    /// <param name="app">The app.</param>
    public static implicit operator AsgiApp(WebSocketChatApp app) => app.InvokeAsync;

    /// <inheritdoc />
    public async Task InvokeAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        if ((string?)scope["type"] == "websocket")
        {
            await HandleWebSocket(scope, receive, send);
        }
        else
        {
            await HandleHttp(scope, receive, send);
        }
    }

    private static int Id(object value) => RuntimeHelpers.GetHashCode(value);

    private async Task HandleWebSocket(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        var path = (string)scope["path"]!;
        if (path.StartsWith("/chat/", StringComparison.Ordinal))
        {
            var roomId = path.Split('/')[^1];
            await ChatHandler(scope, receive, send, roomId);
        }
        else
        {
            await send.SendAsync(new Message { ["type"] = "websocket.close", ["code"] = 1000 });
        }
    }

    private async Task ChatHandler(AsgiScope scope, AsgiReceive receive, AsgiSend send, string roomId)
    {
        // Accept connection
        await send.SendAsync(new Message { ["type"] = "websocket.accept" });
        // Generate connection ID
        var connectionId = Id(send);
        int userCount;
        lock (_gate)
        {
            // Add to room
            Room(roomId).Add(send);
            _userRooms[connectionId] = roomId;
            userCount = Room(roomId).Count;
        }

        // Notify room of new user
        await BroadcastToRoom(roomId, new Message
        {
            ["type"] = "user_joined",
            ["message"] = $"User {connectionId} joined the room",
            ["room"] = roomId,
            ["user_count"] = userCount,
        });
        try
        {
            while (true)
            {
                var message = await receive.ReceiveDictionaryAsync();
                if ((string?)message["type"] == "websocket.receive")
                {
                    if (message.TryGetValue("text", out var text))
                    {
                        Dictionary<string, JsonElement>? data;
                        try
                        {
                            data = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>((string)text!);
                        }
                        catch (JsonException)
                        {
                            await send.SendAsync(new Message
                            {
                                ["type"] = "websocket.send",
                                ["text"] = PythonJson.Dumps(new Message { ["error"] = "Invalid JSON" }),
                            });
                            continue;
                        }

                        await HandleChatMessage(data!, roomId, connectionId);
                    }
                }
                else if ((string?)message["type"] == "websocket.disconnect")
                {
                    break;
                }
            }
        }
        catch (Exception e)
        {
            await stdout.WriteLineAsync($"WebSocket error: {e.Message}");
        }
        finally
        {
            // Clean up
            lock (_gate)
            {
                Room(roomId).Remove(send);
                _userRooms.Remove(connectionId);
                userCount = Room(roomId).Count;
            }

            // Notify room of user leaving
            await BroadcastToRoom(roomId, new Message
            {
                ["type"] = "user_left",
                ["message"] = $"User {connectionId} left the room",
                ["room"] = roomId,
                ["user_count"] = userCount,
            });
        }
    }

    /// <summary>Handle chat messages.</summary>
    private async Task HandleChatMessage(Dictionary<string, JsonElement> data, string roomId, int connectionId)
    {
        var messageType = data.TryGetValue("type", out var type) ? type.GetString() : null;
        if (messageType == "chat")
        {
            // Broadcast chat message to room
            await BroadcastToRoom(roomId, new Message
            {
                ["type"] = "chat",
                ["message"] = data.TryGetValue("message", out var text) ? text : string.Empty,
                ["user"] = connectionId,
                ["room"] = roomId,
                ["timestamp"] = Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency,
            });
        }
        else if (messageType == "typing")
        {
            // Broadcast typing indicator to room (except sender)
            await BroadcastToRoom(roomId, new Message
            {
                ["type"] = "typing",
                ["user"] = connectionId,
                ["room"] = roomId,
            }, exclude: [connectionId]);
        }
    }

    /// <summary>Broadcast message to all connections in a room.</summary>
    private async Task BroadcastToRoom(string roomId, Message message, int[]? exclude = null)
    {
        exclude ??= [];
        var messageText = PythonJson.Dumps(message);
        AsgiSend[] connections;
        lock (_gate)
        {
            connections = [.. Room(roomId)];
        }

        // Send to all connections in room
        foreach (var connection in connections)
        {
            if (!exclude.Contains(Id(connection)))
            {
                try
                {
                    await connection.SendAsync(new Message
                    {
                        ["type"] = "websocket.send",
                        ["text"] = messageText,
                    });
                }
                catch (Exception e)
                {
                    // Remove dead connections
                    lock (_gate)
                    {
                        Room(roomId).Remove(connection);
                    }

                    await stdout.WriteLineAsync($"Removed dead connection: {e.Message}");
                }
            }
        }
    }

    /// <summary><c>self.connections[room_id]</c> of the article's defaultdict; call with <see cref="_gate"/> held.</summary>
    private HashSet<AsgiSend> Room(string roomId)
    {
        if (!_connections.TryGetValue(roomId, out var room))
        {
            _connections[roomId] = room = new HashSet<AsgiSend>(ReferenceEqualityComparer.Instance);
        }

        return room;
    }

    /// <summary>Serve WebSocket client HTML.</summary>
    private static async Task HandleHttp(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        if ((string?)scope["path"] == "/")
        {
            await send.SendAsync(new Message
            {
                ["type"] = "http.response.start",
                ["status"] = 200,
                ["headers"] = new[] { new[] { "content-type"u8.ToArray(), "text/html"u8.ToArray() } },
            });
            await send.SendAsync(new Message
            {
                ["type"] = "http.response.body",
                ["body"] = Html.ChatPage,
            });
        }
        else
        {
            await send.SendAsync(new Message
            {
                ["type"] = "http.response.start",
                ["status"] = 404,
                ["headers"] = new[] { new[] { "content-type"u8.ToArray(), "text/plain"u8.ToArray() } },
            });
            await send.SendAsync(new Message
            {
                ["type"] = "http.response.body",
                ["body"] = "Not Found"u8.ToArray(),
            });
        }
    }
}
