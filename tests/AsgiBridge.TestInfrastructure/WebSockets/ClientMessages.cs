using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace AsgiBridge.TestInfrastructure.WebSockets;

/// <summary>A complete message (or the close) as the test client saw it.</summary>
public sealed record ClientMessage(WebSocketMessageType Type, byte[] Data, WebSocketCloseStatus? CloseStatus = null, string? CloseDescription = null)
{
    public string Text => Encoding.UTF8.GetString(Data);
}

/// <summary>Client-side helpers: read whole messages, send text, all with the test timeout.</summary>
public static class ClientMessages
{
    /// <summary>How long a test waits for the other side before failing instead of hanging.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task<ClientMessage> ReceiveMessageAsync(this WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var output = new ArrayBufferWriter<byte>();
        while (true)
        {
            var result = await socket.ReceiveAsync(output.GetMemory(64 * 1024), timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return new ClientMessage(WebSocketMessageType.Close, [], socket.CloseStatus, socket.CloseStatusDescription);
            }

            output.Advance(result.Count);
            if (result.EndOfMessage)
            {
                return new ClientMessage(result.MessageType, output.WrittenSpan.ToArray());
            }
        }
    }

    public static async Task SendTextAsync(this WebSocket socket, string text)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
    }

    public static async Task SendBytesAsync(this WebSocket socket, byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await socket.SendAsync(bytes, WebSocketMessageType.Binary, endOfMessage: true, timeout.Token);
    }

    public static async Task CloseAsync(this WebSocket socket, WebSocketCloseStatus status, string? description = null)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await socket.CloseAsync(status, description, timeout.Token);
    }

    /// <summary>Waits for a task with the test timeout, failing the test instead of hanging.</summary>
    public static async Task<T> WithTimeout<T>(this Task<T> task) => await task.WaitAsync(Timeout);

    public static async Task WithTimeout(this Task task) => await task.WaitAsync(Timeout);
}
