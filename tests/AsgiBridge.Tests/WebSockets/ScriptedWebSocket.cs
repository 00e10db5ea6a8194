using System.Net.WebSockets;
using System.Threading.Channels;
using AsgiBridge.Hosting;
using AsgiBridge.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AsgiBridge.Tests.WebSockets;

/// <summary>
/// A server-side WebSocket driven by the test: incoming frames are queued by the test, sends are recorded and can be
/// held open, and every receive buffer length is recorded (to prove idle reads use an empty buffer).
/// </summary>
public sealed class ScriptedWebSocket : WebSocket
{
    private readonly Channel<(WebSocketMessageType Type, byte[] Data, bool End)> _incoming = Channel.CreateUnbounded<(WebSocketMessageType, byte[], bool)>();
    private (WebSocketMessageType Type, byte[] Data, int Offset, bool End)? _current;
    private WebSocketState _state = WebSocketState.Open;
    private WebSocketCloseStatus? _closeStatus;
    private string? _closeDescription;

    public List<int> ReceiveBufferLengths { get; } = [];

    public List<(WebSocketMessageType Type, byte[] Data)> Sent { get; } = [];

    /// <summary>When set, sends wait for it before completing.</summary>
    public TaskCompletionSource? SendGate { get; set; }

    public TaskCompletionSource SendStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override WebSocketCloseStatus? CloseStatus => _closeStatus;

    public override string? CloseStatusDescription => _closeDescription;

    public override WebSocketState State => _state;

    public override string? SubProtocol => null;

    public void Enqueue(WebSocketMessageType type, byte[] data, bool end = true) => _incoming.Writer.TryWrite((type, data, end));

    public override void Abort() => _state = WebSocketState.Aborted;

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        _state = WebSocketState.Closed;
        return Task.CompletedTask;
    }

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        _state = _state == WebSocketState.CloseReceived ? WebSocketState.Closed : WebSocketState.CloseSent;
        return Task.CompletedTask;
    }

    public override void Dispose()
    {
    }

    public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public override async ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        ReceiveBufferLengths.Add(buffer.Length);
        _current ??= await ReadFrame(cancellationToken);
        var (type, data, offset, end) = _current.Value;
        if (type == WebSocketMessageType.Close)
        {
            _current = null;
            _state = WebSocketState.CloseReceived;
            _closeStatus = (WebSocketCloseStatus)BitConverter.ToUInt16([data[1], data[0]]);
            _closeDescription = string.Empty;
            return new ValueWebSocketReceiveResult(0, type, true);
        }

        var count = Math.Min(buffer.Length, data.Length - offset);
        data.AsMemory(offset, count).CopyTo(buffer);
        offset += count;
        var done = offset == data.Length;
        _current = done ? null : (type, data, offset, end);
        return new ValueWebSocketReceiveResult(count, type, done && end);
    }

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        SendAsync(buffer.AsMemory(), messageType, endOfMessage, cancellationToken).AsTask();

    public override async ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        SendStarted.TrySetResult();
        if (SendGate is { } gate)
        {
            await gate.Task;
        }

        Sent.Add((messageType, buffer.ToArray()));
    }

    private async ValueTask<(WebSocketMessageType, byte[], int, bool)> ReadFrame(CancellationToken cancellationToken)
    {
        var (type, data, end) = await _incoming.Reader.ReadAsync(cancellationToken);
        return (type, data, 0, end);
    }
}

/// <summary>An <see cref="IHttpWebSocketFeature"/> that hands out a <see cref="ScriptedWebSocket"/> and records the accept context.</summary>
public sealed class ScriptedWebSocketFeature(ScriptedWebSocket socket) : IHttpWebSocketFeature
{
    public WebSocketAcceptContext? AcceptContext { get; private set; }

    public bool IsWebSocketRequest => true;

    public Task<WebSocket> AcceptAsync(WebSocketAcceptContext context)
    {
        AcceptContext = context;
        return Task.FromResult<WebSocket>(socket);
    }

    public static DefaultHttpContext CreateContext(ScriptedWebSocket socket, out ScriptedWebSocketFeature feature)
    {
        var context = new DefaultHttpContext();
        feature = new ScriptedWebSocketFeature(socket);
        context.Features.Set<IHttpWebSocketFeature>(feature);
        context.Request.Path = "/scripted";
        context.Request.Protocol = "HTTP/1.1";
        context.Request.Headers.SecWebSocketProtocol = "a, b";
        return context;
    }
}

/// <summary>A <see cref="WebSocketCycle"/> driven directly, with the application's callables of its scope.</summary>
internal sealed class ScriptedCycle
{
    private ScriptedCycle(WebSocketCycle cycle)
    {
        Cycle = cycle;
        Receive = cycle.Scope.ReceiveFromConnection;
        Send = cycle.Scope.SendToConnection;
    }

    public WebSocketCycle Cycle { get; }

    public AsgiReceive Receive { get; }

    public AsgiSend Send { get; }

    public static ScriptedCycle Create(HttpContext context, AsgiOptions? options = null) =>
        new(new WebSocketCycle(context, new AsgiBridgeRuntime(Microsoft.Extensions.Options.Options.Create(options ?? new AsgiOptions()))));
}
