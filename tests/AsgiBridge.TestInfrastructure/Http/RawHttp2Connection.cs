using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AsgiBridge.TestInfrastructure.Http;

/// <summary>How a stream ended, as seen in the frames on the wire.</summary>
public enum Http2StreamEnd
{
    /// <summary>A DATA or HEADERS frame carried END_STREAM.</summary>
    EndStream,

    /// <summary>The server sent RST_STREAM for the stream.</summary>
    Reset,

    /// <summary>The server sent GOAWAY or closed the connection first.</summary>
    ConnectionClosed,
}

/// <summary>One GET over prior-knowledge h2c, as the frames arrived.</summary>
/// <param name="Frames">Every frame type for the stream, in order (for example "HEADERS", "DATA", "RST_STREAM").</param>
/// <param name="Body">The DATA payloads for the stream, concatenated.</param>
/// <param name="End">How the stream ended.</param>
/// <param name="ResetCode">The RST_STREAM error code, when <paramref name="End"/> is <see cref="Http2StreamEnd.Reset"/>.</param>
public sealed record Http2Exchange(IReadOnlyList<string> Frames, byte[] Body, Http2StreamEnd End, uint? ResetCode);

/// <summary>
/// A minimal HTTP/2 client that reports frames exactly as the server wrote them. HttpClient cannot: when a reset arrives
/// in the same read as DATA frames it discards the data its caller has not read yet, which hides what the server sent.
/// </summary>
public static class RawHttp2Connection
{
    private const byte Data = 0x0, Headers = 0x1, RstStream = 0x3, Settings = 0x4, GoAway = 0x7;
    private const byte EndStreamFlag = 0x1, AckFlag = 0x1, PaddedFlag = 0x8;

    /// <summary>Sends <c>GET <paramref name="path"/></c> on stream 1 and reads until that stream ends.</summary>
    public static async Task<Http2Exchange> GetAsync(Uri address, string path = "/", TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(address.Host), address.Port), cts.Token);
        await using var stream = new NetworkStream(socket, ownsSocket: false);

        var request = new MemoryStream();
        request.Write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8);
        WriteFrame(request, Settings, 0, 0, []);
        WriteFrame(request, Headers, 0x4 | EndStreamFlag, 1, HeaderBlock(path));
        await stream.WriteAsync(request.ToArray(), cts.Token);

        var frames = new List<string>();
        var body = new MemoryStream();
        var header = new byte[9];
        while (true)
        {
            if (!await ReadExactlyOrEndAsync(stream, header, cts.Token))
            {
                return new Http2Exchange(frames, body.ToArray(), Http2StreamEnd.ConnectionClosed, null);
            }

            var length = (header[0] << 16) | (header[1] << 8) | header[2];
            var (type, flags) = (header[3], header[4]);
            var streamId = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(5)) & 0x7FFF_FFFF;
            var payload = new byte[length];
            if (!await ReadExactlyOrEndAsync(stream, payload, cts.Token))
            {
                return new Http2Exchange(frames, body.ToArray(), Http2StreamEnd.ConnectionClosed, null);
            }

            if (type == Settings && (flags & AckFlag) == 0)
            {
                var ack = new MemoryStream();
                WriteFrame(ack, Settings, AckFlag, 0, []);
                await stream.WriteAsync(ack.ToArray(), cts.Token);
                continue;
            }

            if (type == GoAway)
            {
                return new Http2Exchange(frames, body.ToArray(), Http2StreamEnd.ConnectionClosed, null);
            }

            if (streamId != 1)
            {
                continue;
            }

            frames.Add(type switch { Data => "DATA", Headers => "HEADERS", RstStream => "RST_STREAM", _ => $"0x{type:x2}" });
            switch (type)
            {
                case Data:
                    var padding = (flags & PaddedFlag) != 0 ? payload[0] + 1 : 0;
                    body.Write(payload, (flags & PaddedFlag) != 0 ? 1 : 0, length - padding);
                    break;
                case RstStream:
                    return new Http2Exchange(frames, body.ToArray(), Http2StreamEnd.Reset, BinaryPrimitives.ReadUInt32BigEndian(payload));
            }

            if (type is Data or Headers && (flags & EndStreamFlag) != 0)
            {
                return new Http2Exchange(frames, body.ToArray(), Http2StreamEnd.EndStream, null);
            }
        }
    }

    /// <summary>GET, http, the path and authority "x", as HPACK with no Huffman coding and no dynamic table.</summary>
    private static byte[] HeaderBlock(string path)
    {
        var block = new MemoryStream();
        block.Write([0x82, 0x86]); // :method GET, :scheme http (static table 2 and 6)
        block.WriteByte(0x04); // :path, literal without indexing, name from static table 4
        var pathBytes = Encoding.ASCII.GetBytes(path);
        if (pathBytes.Length > 126)
        {
            throw new ArgumentException("The path is limited to 126 bytes (a one-byte HPACK length).", nameof(path));
        }

        block.WriteByte((byte)pathBytes.Length);
        block.Write(pathBytes);
        block.Write([0x01, 0x01, (byte)'x']); // :authority x
        return block.ToArray();
    }

    private static void WriteFrame(MemoryStream output, byte type, byte flags, uint streamId, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[9];
        header[0] = (byte)(payload.Length >> 16);
        header[1] = (byte)(payload.Length >> 8);
        header[2] = (byte)payload.Length;
        header[3] = type;
        header[4] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(header[5..], streamId);
        output.Write(header);
        output.Write(payload);
    }

    private static async Task<bool> ReadExactlyOrEndAsync(NetworkStream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException)
        {
            return false;
        }
    }
}
