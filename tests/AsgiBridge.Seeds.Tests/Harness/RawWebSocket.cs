using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace AsgiBridge.Seeds.Tests.Harness;

/// <summary>
/// A WebSocket client that writes its frames by hand, for what <c>ClientWebSocket</c> will not send: fragments out of
/// order, a close reason that is not UTF-8, request header bytes above 0x7F. HTTP/1.1 Upgrade only; it works against
/// any server, so both uvicorn and the bridge get the very same bytes.
/// </summary>
internal sealed class RawWebSocket : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly TcpClient _tcp = new();
    private NetworkStream _stream = null!;

    /// <summary>The handshake response head (status line and headers), as Latin-1 text.</summary>
    public string ResponseHead { get; private set; } = string.Empty;

    /// <summary>Runs the handshake; <see cref="ResponseHead"/> tells how the server answered.</summary>
    /// <param name="address">The server's <c>http://</c> address.</param>
    /// <param name="path">The target.</param>
    /// <param name="headerLines">Extra header lines, as Latin-1 text (each char one byte).</param>
    /// <returns>The client.</returns>
    public static async Task<RawWebSocket> ConnectAsync(Uri address, string path, params string[] headerLines)
    {
        var client = await SendHandshakeAsync(address, path, headerLines);
        client.ResponseHead = await client.ReadHeadAsync();
        return client;
    }

    /// <summary>Sends the handshake request and returns without waiting for the answer (for a client that leaves first).</summary>
    /// <param name="address">The server's <c>http://</c> address.</param>
    /// <param name="path">The target.</param>
    /// <param name="headerLines">Extra header lines.</param>
    /// <returns>The client.</returns>
    public static async Task<RawWebSocket> SendHandshakeAsync(Uri address, string path, params string[] headerLines)
    {
        var client = new RawWebSocket();
        await client._tcp.ConnectAsync(address.Host, address.Port);
        client._stream = client._tcp.GetStream();
        var request = $"GET {path} HTTP/1.1\r\nHost: {address.Authority}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + string.Concat(headerLines.Select(l => l + "\r\n")) + "\r\n";
        await client._stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        return client;
    }

    /// <summary>Sends one masked frame.</summary>
    /// <param name="opcode">1 text, 2 binary, 0 continuation, 8 close.</param>
    /// <param name="payload">The payload (under 126 bytes).</param>
    /// <param name="fin">Whether the frame ends its message.</param>
    /// <returns>A task that completes when it was written.</returns>
    public async Task SendFrameAsync(byte opcode, byte[] payload, bool fin = true)
    {
        var frame = new byte[6 + payload.Length];
        frame[0] = (byte)((fin ? 0x80 : 0) | opcode);
        frame[1] = (byte)(0x80 | payload.Length);
        byte[] mask = [9, 8, 7, 6];
        mask.CopyTo(frame, 2);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[6 + i] = (byte)(payload[i] ^ mask[i % 4]);
        }

        await _stream.WriteAsync(frame);
    }

    /// <summary>Sends a close frame with <paramref name="code"/> and raw reason bytes.</summary>
    /// <param name="code">The close code.</param>
    /// <param name="reason">The reason bytes, valid UTF-8 or not.</param>
    /// <returns>A task that completes when it was written.</returns>
    public Task SendCloseAsync(ushort code, byte[] reason)
    {
        var payload = new byte[2 + reason.Length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, code);
        reason.CopyTo(payload, 2);
        return SendFrameAsync(8, payload);
    }

    /// <summary>Reads server frames until the close frame and returns its code (1005 for none, 1006 when the connection ends first).</summary>
    /// <returns>The close code the server put on the wire.</returns>
    public async Task<int> ReadCloseCodeAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            while (true)
            {
                var header = new byte[2];
                await _stream.ReadExactlyAsync(header, timeout.Token);
                long length = header[1] & 0x7F;
                if (length == 126)
                {
                    var extended = new byte[2];
                    await _stream.ReadExactlyAsync(extended, timeout.Token);
                    length = BinaryPrimitives.ReadUInt16BigEndian(extended);
                }
                else if (length == 127)
                {
                    var extended = new byte[8];
                    await _stream.ReadExactlyAsync(extended, timeout.Token);
                    length = (long)BinaryPrimitives.ReadUInt64BigEndian(extended);
                }

                var payload = new byte[length];
                await _stream.ReadExactlyAsync(payload, timeout.Token);
                if ((header[0] & 0x0F) == 8)
                {
                    return payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : 1005;
                }
            }
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException)
        {
            return 1006;
        }
    }

    /// <summary>Reads one server text frame (unfragmented) and returns its text.</summary>
    /// <returns>The text.</returns>
    public async Task<string> ReadTextAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var header = new byte[2];
        await _stream.ReadExactlyAsync(header, timeout.Token);
        var payload = new byte[header[1] & 0x7F];
        await _stream.ReadExactlyAsync(payload, timeout.Token);
        return Encoding.UTF8.GetString(payload);
    }

    /// <summary>Resets the TCP connection without a close frame.</summary>
    public void Drop()
    {
        _tcp.Client.LingerState = new LingerOption(true, 0);
        _tcp.Client.Close();
    }

    /// <inheritdoc />
    public void Dispose() => _tcp.Dispose();

    private async Task<string> ReadHeadAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < 4 || !(bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n'))
        {
            await _stream.ReadExactlyAsync(one, timeout.Token);
            bytes.Add(one[0]);
        }

        return Encoding.Latin1.GetString(bytes.ToArray());
    }
}
