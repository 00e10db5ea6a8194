using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using AsgiBridge.Messages;

namespace AsgiBridge.Testing.Tests.Parity;

/// <summary>
/// Reduces a WebSocket conversation to what a client observes (handshake outcome, messages, close code and reason),
/// for the in-process client and for a real <see cref="ClientWebSocket"/> alike, so the two can be compared as text.
/// </summary>
internal static class WebSocketTranscript
{
    public static async Task<string> InProcessAsync(AsgiTestClient client, WebSocketParityCase parityCase)
    {
        var transcript = new StringBuilder();
        var options = new AsgiWebSocketConnectOptions();
        foreach (var subprotocol in parityCase.Subprotocols)
        {
            options.Subprotocols.Add(subprotocol);
        }

        AsgiWebSocketSession session;
        try
        {
            session = await client.ConnectWebSocketAsync(parityCase.Path, options);
        }
        catch (AsgiWebSocketDeniedException denied)
        {
            return transcript.AppendLine(CultureInfo.InvariantCulture, $"denied {denied.Status}").ToString();
        }

        transcript.AppendLine(CultureInfo.InvariantCulture, $"accepted subprotocol={session.Subprotocol}");
        foreach (var step in parityCase.Script)
        {
            if (step.StartsWith("text:", StringComparison.Ordinal))
            {
                await session.SendTextAsync(step[5..]);
            }
            else if (step.StartsWith("bytes:", StringComparison.Ordinal))
            {
                await session.SendBytesAsync(Encoding.UTF8.GetBytes(step[6..]));
            }
            else if (step.StartsWith("close:", StringComparison.Ordinal))
            {
                await session.CloseAsync(int.Parse(step[6..], CultureInfo.InvariantCulture));
            }
            else
            {
                transcript.AppendLine(await session.ReceiveAsync() switch
                {
                    WebSocketSend { Text: { } text } => $"text {text}",
                    WebSocketSend { Bytes: { } bytes } => $"bytes {Convert.ToBase64String(bytes.Span)}",
                    WebSocketClose close => $"close {close.Code} {close.Reason}",
                    var other => other.Type,
                });
            }
        }

        return transcript.ToString();
    }

    public static async Task<string> KestrelAsync(Uri httpAddress, WebSocketParityCase parityCase)
    {
        var transcript = new StringBuilder();
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        foreach (var subprotocol in parityCase.Subprotocols)
        {
            socket.Options.AddSubProtocol(subprotocol);
        }

        var uri = new UriBuilder(httpAddress) { Scheme = "ws", Path = parityCase.Path }.Uri;
        try
        {
            await socket.ConnectAsync(uri, CancellationToken.None);
        }
        catch (WebSocketException)
        {
            return transcript.AppendLine(CultureInfo.InvariantCulture, $"denied {(int)socket.HttpStatusCode}").ToString();
        }

        transcript.AppendLine(CultureInfo.InvariantCulture, $"accepted subprotocol={socket.SubProtocol}");
        var buffer = new byte[64 * 1024];
        foreach (var step in parityCase.Script)
        {
            if (step.StartsWith("text:", StringComparison.Ordinal))
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(step[5..]), WebSocketMessageType.Text, true, CancellationToken.None);
            }
            else if (step.StartsWith("bytes:", StringComparison.Ordinal))
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(step[6..]), WebSocketMessageType.Binary, true, CancellationToken.None);
            }
            else if (step.StartsWith("close:", StringComparison.Ordinal))
            {
                var code = (WebSocketCloseStatus)int.Parse(step[6..], CultureInfo.InvariantCulture);
                await socket.CloseAsync(code, null, CancellationToken.None);
            }
            else
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                transcript.AppendLine(result.MessageType switch
                {
                    WebSocketMessageType.Text => $"text {Encoding.UTF8.GetString(buffer, 0, result.Count)}",
                    WebSocketMessageType.Binary => $"bytes {Convert.ToBase64String(buffer, 0, result.Count)}",
                    _ => $"close {(int)result.CloseStatus!} {result.CloseStatusDescription}",
                });
            }
        }

        return transcript.ToString();
    }
}
