using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AsgiBridge.TestInfrastructure.Http;

/// <summary>A raw TCP connection for HTTP/1.x requests HttpClient cannot produce (malformed bodies, absolute-form targets, 100-continue).</summary>
public sealed class RawHttpConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly MemoryStream _received = new();

    private RawHttpConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
    }

    public static async Task<RawHttpConnection> ConnectAsync(Uri address)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(address.Host), address.Port));
        return new RawHttpConnection(socket);
    }

    /// <summary>Everything received so far, as Latin-1 text.</summary>
    public string Received => Encoding.Latin1.GetString(_received.GetBuffer(), 0, (int)_received.Length);

    public async Task SendAsync(string text) => await _stream.WriteAsync(Encoding.Latin1.GetBytes(text));

    /// <summary>Reads until <paramref name="marker"/> appears in the received text; returns the text.</summary>
    public async Task<string> ReadUntilAsync(string marker, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var buffer = new byte[16 * 1024];
        while (!Received.Contains(marker, StringComparison.Ordinal))
        {
            var read = await _stream.ReadAsync(buffer, cts.Token);
            if (read == 0)
            {
                throw new IOException($"Connection closed before '{marker}' arrived. Received: {Received}");
            }

            _received.Write(buffer, 0, read);
        }

        return Received;
    }

    /// <summary>Reads until the server closes the connection; returns the text.</summary>
    public async Task<string> ReadToEndAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var buffer = new byte[16 * 1024];
        while (true)
        {
            int read;
            try
            {
                read = await _stream.ReadAsync(buffer, cts.Token);
            }
            catch (IOException)
            {
                break;
            }

            if (read == 0)
            {
                break;
            }

            _received.Write(buffer, 0, read);
        }

        return Received;
    }

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        _socket.Dispose();
        _received.Dispose();
        return ValueTask.CompletedTask;
    }
}
