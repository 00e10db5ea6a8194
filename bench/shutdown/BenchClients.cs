using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;

namespace ShutdownBench;

/// <summary>
/// The clients: WebSockets that keep a read pending (so they see the server's close and answer it, as browsers do) and SSE
/// streams read to their end; a share of each over HTTP/2 (extended CONNECT and multiplexed streams).
/// </summary>
public sealed class BenchClients(Uri http1, Uri http2) : IAsyncDisposable
{
    private readonly HttpMessageInvoker _h2Sockets = new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true });
    private readonly HttpClient _sse1 = new(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly HttpClient _sse2 = new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
    {
        Timeout = Timeout.InfiniteTimeSpan,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    private readonly List<ClientWebSocket> _sockets = [];
    private readonly List<Task<(int Code, TimeSpan At)>> _closes = [];
    private readonly List<Task<bool>> _streams = [];
    private readonly List<TaskCompletionSource> _firstEvents = [];
    private readonly Stopwatch _clock = new();

    public int WebSocketCount => _sockets.Count;

    public int Http2WebSocketCount { get; private set; }

    public int SseCount => _streams.Count;

    public int Http2SseCount { get; private set; }

    public async Task OpenAsync(Settings settings)
    {
        using var gate = new SemaphoreSlim(32);
        var opening = new List<Task>();
        for (var i = 0; i < settings.WebSockets; i++)
        {
            var overHttp2 = i < settings.WebSockets * settings.Http2Share;
            Http2WebSocketCount += overHttp2 ? 1 : 0;
            var socket = new ClientWebSocket();
            if (overHttp2)
            {
                socket.Options.HttpVersion = HttpVersion.Version20;
                socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
            }

            _sockets.Add(socket);
            opening.Add(ConnectAsync(socket, overHttp2, gate));
        }

        await Task.WhenAll(opening);
        for (var i = 0; i < settings.Sse; i++)
        {
            var overHttp2 = i < settings.Sse * settings.Http2Share;
            Http2SseCount += overHttp2 ? 1 : 0;
            var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _firstEvents.Add(first);
            _streams.Add(ReadStreamAsync(overHttp2 ? _sse2 : _sse1, new Uri(overHttp2 ? http2 : http1, "/events"), first));
        }

        _clock.Start();
    }

    public Task WaitForFirstEventsAsync() => Task.WhenAll(_firstEvents.Select(f => f.Task)).WaitAsync(TimeSpan.FromSeconds(60));

    public async Task<Results> CollectAsync(TimeSpan timeout)
    {
        var closes = await Task.WhenAll(_closes).WaitAsync(timeout);
        var streams = await Task.WhenAll(_streams).WaitAsync(timeout);
        return new Results(
            closes.GroupBy(c => c.Code).ToDictionary(g => g.Key, g => g.Count()),
            closes.Length == 0 ? TimeSpan.Zero : closes.Max(c => c.At) - _signalled,
            streams.Count(clean => clean),
            streams.Count(clean => !clean));
    }

    private TimeSpan _signalled;

    /// <summary>Marks the moment SIGTERM went out, for the close timings.</summary>
    public void MarkSignal() => _signalled = _clock.Elapsed;

    private async Task ConnectAsync(ClientWebSocket socket, bool overHttp2, SemaphoreSlim gate)
    {
        await gate.WaitAsync();
        try
        {
            var uri = new UriBuilder(new Uri(overHttp2 ? http2 : http1, "/ws")) { Scheme = "ws" }.Uri;
            await (overHttp2 ? socket.ConnectAsync(uri, _h2Sockets, CancellationToken.None) : socket.ConnectAsync(uri, CancellationToken.None));
        }
        finally
        {
            gate.Release();
        }

        _closes.Add(WaitForCloseAsync(socket));
    }

    private async Task<(int, TimeSpan)> WaitForCloseAsync(ClientWebSocket socket)
    {
        var buffer = new byte[256];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    var at = _clock.Elapsed;
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    return ((int)(socket.CloseStatus ?? 0), at);
                }
            }
        }
        catch (WebSocketException)
        {
            return (1006, _clock.Elapsed);
        }
    }

    private static async Task<bool> ReadStreamAsync(HttpClient client, Uri uri, TaskCompletionSource first)
    {
        try
        {
            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead);
            await using var body = await response.Content.ReadAsStreamAsync();
            using var reader = new StreamReader(body);
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    first.TrySetResult();
                }
            }

            return true; // the final chunk / END_STREAM: a clean end
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            first.TrySetException(ex);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        _sse1.Dispose();
        _sse2.Dispose();
        _h2Sockets.Dispose();
        await Task.CompletedTask;
    }
}

/// <summary>What the clients saw.</summary>
public sealed record Results(Dictionary<int, int> CloseCodes, TimeSpan SlowestClose, int SseClean, int SseFailed);
