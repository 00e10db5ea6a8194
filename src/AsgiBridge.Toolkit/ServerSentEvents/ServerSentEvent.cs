using System.Text;

namespace AsgiBridge.Toolkit;

/// <summary>One server-sent event: data (split into <c>data:</c> lines), and optional event name, id and retry.</summary>
/// <param name="Data">The data; line breaks become separate <c>data:</c> lines.</param>
/// <param name="Event">The event name, or <see langword="null"/> for the default <c>message</c>.</param>
/// <param name="Id">The event id, or <see langword="null"/>.</param>
/// <param name="Retry">The reconnection delay to advise, or <see langword="null"/>.</param>
public sealed record ServerSentEvent(string Data, string? Event = null, string? Id = null, TimeSpan? Retry = null)
{
    /// <summary>Formats the event in the <c>text/event-stream</c> format, ending with the blank line.</summary>
    /// <returns>The UTF-8 bytes.</returns>
    public byte[] ToBytes()
    {
        var text = new StringBuilder();
        AppendField(text, "event", Event);
        AppendField(text, "id", Id);
        if (Retry is { } retry)
        {
            text.Append("retry: ").Append((long)retry.TotalMilliseconds).Append('\n');
        }

        // Only CR, LF and CRLF end a line in text/event-stream (not the other Unicode line breaks ReplaceLineEndings knows).
        var data = (Data ?? string.Empty).AsSpan();
        while (true)
        {
            var end = data.IndexOfAny('\r', '\n');
            text.Append("data: ").Append(end < 0 ? data : data[..end]).Append('\n');
            if (end < 0)
            {
                break;
            }

            var next = end + (data[end] == '\r' && end + 1 < data.Length && data[end + 1] == '\n' ? 2 : 1);
            data = data[next..];
        }

        text.Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void AppendField(StringBuilder text, string name, string? value)
    {
        if (value is null)
        {
            return;
        }

        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException($"The server-sent event's {name} must be a single line.");
        }

        text.Append(name).Append(": ").Append(value).Append('\n');
    }
}
