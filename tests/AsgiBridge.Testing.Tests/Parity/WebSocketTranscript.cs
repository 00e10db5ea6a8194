using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Kestrel;

namespace AsgiBridge.Testing.Tests.Parity;

/// <summary>
/// Reduces a WebSocket conversation to what a client observes (handshake outcome, messages, close code and reason) and
/// the bridge's outcome, for the in-process client and for a real <see cref="ClientWebSocket"/> against Kestrel alike,
/// so the two can be compared as text.
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

        foreach (var header in parityCase.Headers)
        {
            options.Headers.Add(header);
        }

        var (path, token) = WithToken(parityCase);
        AsgiWebSocketSession session;
        try
        {
            session = await client.ConnectWebSocketAsync(path, options);
        }
        catch (AsgiWebSocketDeniedException denied)
        {
            // ClientWebSocket shows a denial's status only; RawDenialParityTests compares headers and bodies over HTTP/1.1.
            transcript.AppendLine(CultureInfo.InvariantCulture, $"denied {denied.Status}");
            return transcript.AppendLine(OutcomeText.Describe(denied.Outcome)).ToString();
        }

        await using (session)
        {
            transcript.AppendLine(CultureInfo.InvariantCulture, $"accepted subprotocol={session.Subprotocol}");
            foreach (var step in parityCase.Script)
            {
                switch (Verb(step, out var argument))
                {
                    case "text":
                        await session.SendTextAsync(argument);
                        break;
                    case "bytes":
                        await session.SendBytesAsync(Encoding.UTF8.GetBytes(argument));
                        break;
                    case "close":
                        var (code, reason) = CloseArguments(argument);
                        await session.CloseAsync(code, reason);
                        break;
                    case "abort":
                        await session.AbortAsync();
                        break;
                    case "wait-signal":
                        await ParitySignals.WaitAsync(token!);
                        break;
                    case "receive":
                        transcript.AppendLine(await ReceiveInProcessAsync(session));
                        break;
                    case "receive-last":
                        string line, last = "<none>";
                        while (!(line = await ReceiveInProcessAsync(session)).StartsWith("close", StringComparison.Ordinal) && line != "lost")
                        {
                            last = line.StartsWith("text", StringComparison.Ordinal) ? line : last;
                        }

                        transcript.AppendLine(last).AppendLine(line);
                        break;
                }
            }

            return transcript.AppendLine(OutcomeText.Describe(await session.WaitForOutcomeAsync())).ToString();
        }
    }

    public static async Task<string> KestrelAsync(KestrelTestHost host, KestrelProtocol protocol, WebSocketParityCase parityCase)
    {
        var transcript = new StringBuilder();
        var client = host.CreateWebSocketClient(protocol);
        var socket = client.Socket;
        foreach (var subprotocol in parityCase.Subprotocols)
        {
            socket.Options.AddSubProtocol(subprotocol);
        }

        foreach (var (name, value) in parityCase.Headers)
        {
            socket.Options.SetRequestHeader(name, value);
        }

        var (path, token) = WithToken(parityCase);
        try
        {
            await client.ConnectAsync(path);
        }
        catch (WebSocketException)
        {
            transcript.AppendLine(CultureInfo.InvariantCulture, $"denied {(int)socket.HttpStatusCode}");
            return transcript.AppendLine(OutcomeText.Describe(await host.WaitForOutcomeAsync(client.RequestId))).ToString();
        }

        transcript.AppendLine(CultureInfo.InvariantCulture, $"accepted subprotocol={socket.SubProtocol}");
        foreach (var step in parityCase.Script)
        {
            switch (Verb(step, out var argument))
            {
                case "text":
                    await socket.SendAsync(Encoding.UTF8.GetBytes(argument), WebSocketMessageType.Text, true, CancellationToken.None);
                    break;
                case "bytes":
                    await socket.SendAsync(Encoding.UTF8.GetBytes(argument), WebSocketMessageType.Binary, true, CancellationToken.None);
                    break;
                case "close":
                    var (code, reason) = CloseArguments(argument);
                    await socket.CloseAsync((WebSocketCloseStatus)code, code == 1005 ? null : reason, CancellationToken.None);
                    break;
                case "abort":
                    socket.Abort();
                    break;
                case "wait-signal":
                    await ParitySignals.WaitAsync(token!);
                    break;
                case "receive":
                    transcript.AppendLine(await ReceiveKestrelAsync(socket));
                    break;
                case "receive-last":
                    string line, last = "<none>";
                    while (!(line = await ReceiveKestrelAsync(socket)).StartsWith("close", StringComparison.Ordinal) && line != "lost")
                    {
                        last = line.StartsWith("text", StringComparison.Ordinal) ? line : last;
                    }

                    transcript.AppendLine(last).AppendLine(line);
                    break;
            }
        }

        return transcript.AppendLine(OutcomeText.Describe(await host.WaitForOutcomeAsync(client.RequestId))).ToString();
    }

    private static (string Path, string? Token) WithToken(WebSocketParityCase parityCase)
    {
        if (!parityCase.Gated)
        {
            return (parityCase.Path, null);
        }

        var token = ParitySignals.NewToken();
        return ($"{parityCase.Path}{(parityCase.Path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}token={token}", token);
    }

    private static string Verb(string step, out string argument)
    {
        var colon = step.IndexOf(':', StringComparison.Ordinal);
        argument = colon < 0 ? string.Empty : step[(colon + 1)..];
        return colon < 0 ? step : step[..colon];
    }

    private static (int Code, string? Reason) CloseArguments(string argument)
    {
        var parts = argument.Split(':', 2);
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), parts.Length > 1 ? parts[1] : null);
    }

    private static async Task<string> ReceiveInProcessAsync(AsgiWebSocketSession session)
    {
        try
        {
            return await session.ReceiveAsync() switch
            {
                WebSocketSend { Text: { } text } => $"text {text}",
                WebSocketSend { Bytes: { } bytes } => $"bytes {Convert.ToBase64String(bytes.Span)}",
                WebSocketClose close => $"close {close.Code} {close.Reason}",
                var other => other.Type,
            };
        }
        catch (AsgiWebSocketClosedException ex) when (ex.Code == 1006)
        {
            return "lost";
        }
    }

    private static async Task<string> ReceiveKestrelAsync(ClientWebSocket socket)
    {
        var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (socket.State == WebSocketState.CloseReceived)
                {
                    // Echo the close, as the in-process session (and a browser) does.
                    await socket.CloseOutputAsync(result.CloseStatus!.Value, null, CancellationToken.None);
                }

                return $"close {(int)result.CloseStatus!} {result.CloseStatusDescription}";
            }

            var bytes = message.ToArray();
            return result.MessageType == WebSocketMessageType.Text ? $"text {Encoding.UTF8.GetString(bytes)}" : $"bytes {Convert.ToBase64String(bytes)}";
        }
        catch (WebSocketException)
        {
            return "lost";
        }
    }
}
