using System.Text;
using System.Text.Json;
using AsgiBridge;
using AsgiBridge.Messages;
using AsgiBridge.Toolkit;
using Microsoft.Extensions.Logging;

namespace ChatDemo;

/// <summary>
/// The chat server as one ASGI application, dispatching on the scope type as the seed's <c>WebSocketChatApp</c> does:
/// HTTP goes to a router (<c>GET /</c> is the page, <c>/static/</c> its assets, anything else 404), WebSockets on
/// <c>/chat/{room}</c> (optionally <c>?user=name</c>) join the room, other WebSockets are denied.
/// </summary>
public sealed partial class ChatApp
{
    private const string ChatPrefix = "/chat/";
    private const int MaxRoomName = 64;
    private const int MaxUserName = 64;
    private const string Anonymous = "Anonymous";

    private readonly ChatRooms _rooms;
    private readonly ILogger _logger;
    private readonly AsgiApp _http;

    /// <summary>Creates the chat server.</summary>
    /// <param name="rooms">The rooms.</param>
    /// <param name="logger">Where join/leave and errors are logged.</param>
    /// <param name="staticDirectory">The folder of the page's stylesheet and script, served under <c>/static/</c>.</param>
    public ChatApp(ChatRooms rooms, ILogger logger, string staticDirectory)
    {
        _rooms = rooms;
        _logger = logger;

        // The page, and its assets through StaticFiles: nothing outside the folder is reachable, however the path is spelt.
        _http = new AsgiRouter()
            .MapGet("/", _ => new BytesResponse(ChatPage.Html, mediaType: "text/html").WithHeader("cache-control", "no-cache"))
            .Mount("/static", new StaticFiles(staticDirectory));
    }

    /// <summary>The folder the build copies the page's assets to.</summary>
    public static string DefaultStaticDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "static");

    /// <summary>The ASGI application: dispatches on the scope type and path.</summary>
    /// <param name="scope">The connection scope.</param>
    /// <param name="receive">The receive callable.</param>
    /// <param name="send">The send callable.</param>
    /// <returns>A task that completes when the connection is handled.</returns>
    public Task Run(AsgiScope scope, AsgiReceive receive, AsgiSend send) => scope switch
    {
        HttpScope => _http(scope, receive, send),
        WebSocketScope ws when TryGetRoom(ws, out var room) => RunRoomAsync(room, JoinName(ws), receive, send),
        WebSocketScope => DenyAsync(receive, send),
        LifespanScope => RunLifespanAsync(receive, send),
        _ => Task.CompletedTask,
    };

    private async Task RunLifespanAsync(AsgiReceive receive, AsgiSend send)
    {
        while (true)
        {
            switch (await receive())
            {
                case LifespanStartup:
                    LogLifespan(_logger, "startup");
                    await send(LifespanStartupComplete.Instance);
                    break;
                case LifespanShutdown:
                    LogLifespan(_logger, "shutdown");
                    await send(LifespanShutdownComplete.Instance);
                    return;
                default:
                    return;
            }
        }
    }

    private static async Task DenyAsync(AsgiReceive receive, AsgiSend send)
    {
        await receive();
        await send(WebSocketClose.Normal); // Before accept: HTTP 403.
    }

    // The name the page passes as ?user=; the seed names members by connection id, so a nameless one is "Anonymous".
    private static string JoinName(WebSocketScope scope)
    {
        var query = new AsgiQueryParams(Encoding.Latin1.GetString(scope.QueryString.Span));
        var name = (query.Get("user") ?? query.Get("username"))?.Trim();
        return string.IsNullOrEmpty(name) ? Anonymous : name[..Math.Min(name.Length, MaxUserName)];
    }

    private static bool TryGetRoom(WebSocketScope scope, out string room)
    {
        var path = scope.Path[scope.RootPath.Length..];
        room = path.StartsWith(ChatPrefix, StringComparison.Ordinal) ? path[ChatPrefix.Length..] : string.Empty;
        return room.Length is > 0 and <= MaxRoomName && !room.Contains('/', StringComparison.Ordinal);
    }

    /// <summary>
    /// One member's session: it joins the room's local fan-out (the member's pump is the socket's only sender), is counted
    /// across instances, and everything it says goes to the room's group, so members on other instances hear it too.
    /// </summary>
    private async Task RunRoomAsync(string roomName, string joinName, AsgiReceive receive, AsgiSend send)
    {
        if (await receive() is not WebSocketConnect)
        {
            return;
        }

        var room = await _rooms.AcquireAsync(roomName);
        try
        {
            // The handshake completes inside the join, so a client whose connect has returned is in the room and announced:
            // the next one to connect is announced after it. The joiner is in the room before the notice goes out, so it
            // gets its own user_joined.
            await using var member = await room.ChangeMembershipAsync(async () =>
            {
                await send(WebSocketAccept.Default);
                var joined = room.Members.Join(send);
                var count = await _rooms.Presence.JoinedAsync(room.Group);
                LogJoined(_logger, roomName, count);
                await room.AnnounceAsync(ChatMessages.UserJoined(roomName, joinName, count));
                return joined;
            });
            try
            {
                while (await receive() is WebSocketReceive message)
                {
                    await HandleAsync(room, member, joinName, message);
                }
            }
            finally
            {
                // Out of the room before the notice: the leaver does not get its own user_left.
                await room.ChangeMembershipAsync(async () =>
                {
                    member.Leave();
                    var remaining = await _rooms.Presence.LeftAsync(room.Group);
                    LogLeft(_logger, roomName, remaining);
                    await room.AnnounceAsync(ChatMessages.UserLeft(roomName, joinName, remaining));
                    return remaining;
                });
            }
        }
        finally
        {
            await _rooms.ReleaseAsync(roomName);
        }
    }

    private static async Task HandleAsync(ChatRoom room, WebSocketRoomMember member, string joinName, WebSocketReceive message)
    {
        var text = message.Text ?? Encoding.UTF8.GetString(message.Bytes!.Value.Span);
        string? type, user, body;
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                member.TrySend(ChatMessages.InvalidJson);
                return;
            }

            type = ReadString(root, "type");
            user = ReadString(root, "user") ?? ReadString(root, "username");
            body = ReadString(root, "message");
        }
        catch (JsonException)
        {
            member.TrySend(ChatMessages.InvalidJson);
            return;
        }

        user = string.IsNullOrWhiteSpace(user) ? joinName : user.Trim();
        switch (type)
        {
            case "chat":
                await room.BroadcastAsync(ChatMessages.Chat(room.Name, user, body ?? string.Empty));
                break;
            case "typing":
                await room.BroadcastAsync(ChatMessages.Typing(room.Name, user), exceptMemberId: member.Id);
                break;
            default:
                member.TrySend(ChatMessages.UnknownType(type));
                break;
        }
    }

    private static string? ReadString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [LoggerMessage(1, LogLevel.Information, "User joined room {Room}; {UserCount} online.")]
    private static partial void LogJoined(ILogger logger, string room, int userCount);

    [LoggerMessage(2, LogLevel.Information, "User left room {Room}; {UserCount} online.")]
    private static partial void LogLeft(ILogger logger, string room, int userCount);

    [LoggerMessage(4, LogLevel.Information, "Chat server lifespan: {Phase} complete.")]
    private static partial void LogLifespan(ILogger logger, string phase);
}
