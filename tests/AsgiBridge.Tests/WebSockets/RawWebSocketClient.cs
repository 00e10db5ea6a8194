using System.Net.Sockets;
using System.Text;

namespace AsgiBridge.Tests.WebSockets;

/// <summary>
/// A bare HTTP/1.1 WebSocket client writing frames by hand, for what <c>ClientWebSocket</c> cannot send (a close
/// frame without a status code) or do (drop the TCP connection without any close).
/// </summary>
public sealed class RawWebSocketClient : IDisposable
{
    private readonly TcpClient _tcp = new();
    private NetworkStream _stream = null!;

    public static async Task<RawWebSocketClient> ConnectAsync(Uri httpUri, string path = "/")
    {
        var client = new RawWebSocketClient();
        await client._tcp.ConnectAsync(httpUri.Host, httpUri.Port);
        client._stream = client._tcp.GetStream();
        var request = $"GET {path} HTTP/1.1\r\nHost: {httpUri.Authority}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
            "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
        await client._stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var head = await client.ReadHeadAsync();
        Assert.StartsWith("HTTP/1.1 101", head, StringComparison.Ordinal);
        return client;
    }

    /// <summary>Sends one masked frame with FIN set.</summary>
    public async Task SendFrameAsync(byte opcode, byte[] payload)
    {
        Assert.True(payload.Length <= ushort.MaxValue);
        var extended = payload.Length < 126 ? 0 : 2;
        var frame = new byte[2 + extended + 4 + payload.Length];
        frame[0] = (byte)(0x80 | opcode);
        if (extended == 0)
        {
            frame[1] = (byte)(0x80 | payload.Length);
        }
        else
        {
            frame[1] = 0x80 | 126;
            frame[2] = (byte)(payload.Length >> 8);
            frame[3] = (byte)payload.Length;
        }

        byte[] mask = [1, 2, 3, 4];
        var maskAt = 2 + extended;
        mask.CopyTo(frame, maskAt);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[maskAt + 4 + i] = (byte)(payload[i] ^ mask[i % 4]);
        }

        await _stream.WriteAsync(frame);
    }

    /// <summary>Reads one unmasked server frame (payloads under 126 bytes).</summary>
    public async Task<(byte Opcode, byte[] Payload)> ReadFrameAsync()
    {
        var header = new byte[2];
        await _stream.ReadExactlyAsync(header).AsTask().WaitAsync(WebSocketTestHost.Timeout);
        var length = header[1] & 0x7F;
        Assert.True(length < 126);
        var payload = new byte[length];
        await _stream.ReadExactlyAsync(payload).AsTask().WaitAsync(WebSocketTestHost.Timeout);
        return ((byte)(header[0] & 0x0F), payload);
    }

    /// <summary>Resets the TCP connection (RST) without any close frame.</summary>
    public void Drop()
    {
        _tcp.Client.LingerState = new LingerOption(true, 0);
        _tcp.Client.Close();
    }

    public void Dispose() => _tcp.Dispose();

    private async Task<string> ReadHeadAsync()
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < 4 || !(bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n'))
        {
            await _stream.ReadExactlyAsync(one).AsTask().WaitAsync(WebSocketTestHost.Timeout);
            bytes.Add(one[0]);
        }

        return Encoding.ASCII.GetString(bytes.ToArray());
    }
}
