using System.Threading.Channels;
using AsgiBridge.Messages;

namespace AsgiBridge.Toolkit.Tests;

/// <summary>
/// A hand-driven ASGI connection: the test pushes incoming messages, and every message the application sends is
/// recorded and can be awaited. For HTTP it behaves like a spec-following server: once the response is complete,
/// receive yields http.disconnect.
/// </summary>
internal sealed class FakeConnection
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly Channel<AsgiMessage> _incoming = Channel.CreateUnbounded<AsgiMessage>();
    private readonly Channel<AsgiMessage> _sentSignal = Channel.CreateUnbounded<AsgiMessage>();
    private readonly List<AsgiMessage> _sent = [];
    private readonly bool _http;
    private int _receiveCalls;

    public FakeConnection(bool http = true, params AsgiMessage[] incoming)
    {
        _http = http;
        foreach (var message in incoming)
        {
            Push(message);
        }

        Receive = ReceiveCore;
        Send = SendCore;
    }

    public AsgiReceive Receive { get; }

    public AsgiSend Send { get; }

    /// <summary>When set, send throws this once the client is gone (as the bridge does after a disconnect).</summary>
    public bool ClientGone { get; private set; }

    public int ReceiveCalls => Volatile.Read(ref _receiveCalls);

    public IReadOnlyList<AsgiMessage> Sent
    {
        get
        {
            lock (_sent)
            {
                return [.. _sent];
            }
        }
    }

    public void Push(AsgiMessage message) => _incoming.Writer.TryWrite(message);

    /// <summary>The client goes away: receive yields the disconnect, later sends fail.</summary>
    public void Disconnect(int code = 1006)
    {
        ClientGone = true;
        Push(_http ? HttpDisconnect.Instance : new WebSocketDisconnect(code));
    }

    /// <summary>Waits for the next message the application sends.</summary>
    public async Task<AsgiMessage> NextSentAsync() => await _sentSignal.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

    /// <summary>Waits until the application sends a message matching <paramref name="predicate"/>.</summary>
    public async Task<T> WaitForSentAsync<T>(Func<T, bool>? predicate = null)
        where T : AsgiMessage
    {
        while (true)
        {
            var message = await NextSentAsync();
            if (message is T typed && (predicate is null || predicate(typed)))
            {
                return typed;
            }
        }
    }

    public CapturedResponse Response() => CapturedResponse.From(Sent);

    private async ValueTask<AsgiMessage> ReceiveCore()
    {
        Interlocked.Increment(ref _receiveCalls);
        return await _incoming.Reader.ReadAsync();
    }

    private ValueTask SendCore(AsgiMessage message)
    {
        if (ClientGone)
        {
            return ValueTask.FromException(new AsgiClientDisconnectedException());
        }

        lock (_sent)
        {
            _sent.Add(message);
        }

        _sentSignal.Writer.TryWrite(message);
        if (_http && message is HttpResponseBody { MoreBody: false } or HttpResponsePathSend)
        {
            // A spec-following server: once the response is complete, receive yields http.disconnect.
            Push(HttpDisconnect.Instance);
        }

        return ValueTask.CompletedTask;
    }
}
