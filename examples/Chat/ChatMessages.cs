using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AsgiBridge.Channels;

namespace ChatDemo;

/// <summary>The JSON the chat server sends: join/leave notices with user counts, chat lines, typing notices and errors.</summary>
public static class ChatMessages
{
    /// <summary>The field of a layer message that carries the JSON the clients get.</summary>
    public const string TextKey = "text";

    /// <summary>The field of a layer message that names the member to skip (the typist).</summary>
    public const string ExceptKey = "except";

    /// <summary>The field of a layer message that lets its sender see it arrive (a join or leave notice).</summary>
    public const string NoticeKey = "notice";

    /// <summary>The reply to input that is not a JSON object.</summary>
    public const string InvalidJson = """{"error":"Invalid JSON"}""";

    /// <summary>A member joined; <paramref name="userCount"/> members are in the room now.</summary>
    /// <param name="room">The room.</param>
    /// <param name="user">The member's name (<c>?user=</c>, else "Anonymous").</param>
    /// <param name="userCount">The number of members.</param>
    /// <returns>The JSON text.</returns>
    public static string UserJoined(string room, string user, int userCount) => Write(json =>
    {
        json.WriteString("type", "user_joined");
        json.WriteString("message", $"User {user} joined the room");
        json.WriteString("user", user);
        json.WriteString("room", room);
        json.WriteNumber("user_count", userCount);
    });

    /// <summary>A member left; <paramref name="userCount"/> members remain.</summary>
    /// <param name="room">The room.</param>
    /// <param name="user">The member's name (<c>?user=</c>, else "Anonymous").</param>
    /// <param name="userCount">The number of members.</param>
    /// <returns>The JSON text.</returns>
    public static string UserLeft(string room, string user, int userCount) => Write(json =>
    {
        json.WriteString("type", "user_left");
        json.WriteString("message", $"User {user} left the room");
        json.WriteString("user", user);
        json.WriteString("room", room);
        json.WriteNumber("user_count", userCount);
    });

    /// <summary>A chat line.</summary>
    /// <param name="room">The room.</param>
    /// <param name="user">Who wrote it.</param>
    /// <param name="message">What they wrote.</param>
    /// <returns>The JSON text.</returns>
    public static string Chat(string room, string user, string message) => Write(json =>
    {
        json.WriteString("type", "chat");
        json.WriteString("room", room);
        json.WriteString("user", user);
        json.WriteString("message", message);
        json.WriteString("timestamp", DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    });

    /// <summary>Someone is typing (sent to everyone else).</summary>
    /// <param name="room">The room.</param>
    /// <param name="user">Who is typing.</param>
    /// <returns>The JSON text.</returns>
    public static string Typing(string room, string user) => Write(json =>
    {
        json.WriteString("type", "typing");
        json.WriteString("room", room);
        json.WriteString("user", user);
    });

    /// <summary>The reply to a JSON object whose <c>type</c> is not <c>chat</c> or <c>typing</c>.</summary>
    /// <param name="type">The type received.</param>
    /// <returns>The JSON text.</returns>
    public static string UnknownType(string? type) => Write(json => json.WriteString("error", $"Unknown message type: {type}"));

    /// <summary>
    /// The layer message a room sends to its group: <c>{"type": "chat.broadcast", "text": …, "except": …}</c>; every
    /// instance hands <c>text</c> to its members unchanged, so the wire protocol is the same everywhere.
    /// </summary>
    /// <param name="text">The JSON the clients get.</param>
    /// <param name="exceptMemberId">The member to skip, or <see langword="null"/>.</param>
    /// <returns>The message.</returns>
    public static ChannelMessage Broadcast(string text, string? exceptMemberId = null) => exceptMemberId is null
        ? new ChannelMessage("chat.broadcast") { [TextKey] = text }
        : new ChannelMessage("chat.broadcast") { [TextKey] = text, [ExceptKey] = exceptMemberId };

    /// <summary>The layer message of a join or leave notice, tagged so that its sender sees it arrive.</summary>
    /// <param name="text">The JSON the clients get.</param>
    /// <param name="noticeId">The tag.</param>
    /// <returns>The layer message.</returns>
    public static ChannelMessage Notice(string text, string noticeId) =>
        new("chat.broadcast") { [TextKey] = text, [NoticeKey] = noticeId };

    // The text starlette's send_json writes (ensure_ascii=False): '+', quotes in names and non-ASCII stay as they are,
    // where System.Text.Json's default encoder would write \u002B and \u00E9. The page is served as UTF-8 JSON, never
    // embedded in HTML, so HTML-sensitive characters need no escaping.
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, s_options))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
