using System.Net;
using System.Net.Sockets;

namespace AsgiBridge.Channels.Tests.Infrastructure;

/// <summary>
/// A loopback TCP proxy in front of a broker that forwards what clients send at once but holds the broker's replies
/// until <see cref="Release"/>: a broker that is reachable and slow to answer, as one is on a loaded machine at start.
/// </summary>
public sealed class HeldReplyProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _clients = [];
    private readonly Task _accepting;

    public HeldReplyProxy(int upstreamPort)
    {
        _upstream = new IPEndPoint(IPAddress.Loopback, upstreamPort);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The proxy's port.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Lets the broker's replies through, the held ones first.</summary>
    public void Release() => _released.TrySetResult();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_clients)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }
        }

        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = ForwardAsync(client);
        }
    }

    // One connection; the client may already have given up on it (its connect timeout), which ends only this one.
    private async Task ForwardAsync(TcpClient client)
    {
        var server = new TcpClient();
        lock (_clients)
        {
            _clients.Add(client);
            _clients.Add(server);
        }

        try
        {
            await server.ConnectAsync(_upstream, _stop.Token);
            var fromClient = client.GetStream();
            var fromServer = server.GetStream();
            await Task.WhenAny(PipeAsync(fromClient, fromServer, Task.CompletedTask), PipeAsync(fromServer, fromClient, _released.Task));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // Closed by either side or by the proxy.
        }
        finally
        {
            client.Dispose();
            server.Dispose();
        }
    }

    private async Task PipeAsync(NetworkStream from, NetworkStream to, Task gate)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;   // either side closing ends the connection (ForwardAsync closes both)
                }

                await gate.WaitAsync(_stop.Token);
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The proxy or one side closed.
        }
    }
}
