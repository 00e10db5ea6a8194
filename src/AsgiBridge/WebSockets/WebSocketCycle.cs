using System.Net.WebSockets;
using System.Text;
using AsgiBridge.Diagnostics;
using AsgiBridge.Hosting;
using AsgiBridge.Messages;
using AsgiBridge.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.WebSockets;

/// <summary>
/// One WebSocket connection: the ASGI <c>receive</c> and <c>send</c> of a <c>websocket</c> scope, as a state machine
/// over <see cref="HttpContext.WebSockets"/>.
/// </summary>
/// <remarks>
/// The steps of one connection (the code marks each with "Step N"):
/// <list type="number">
/// <item>Bind (constructor): the scope (keys read lazily) and the callables bound to the connection's stamp; tracked for
/// the graceful shutdown.</item>
/// <item>Connect: the first <c>receive</c> is <c>websocket.connect</c>; the handshake is held until the application answers.</item>
/// <item>Answer: <c>websocket.accept</c> completes the handshake; <c>websocket.close</c> denies it with 403;
/// <c>websocket.http.response.*</c> sends the application's own denial response.</item>
/// <item>Messages: pull model — each <c>receive</c> reads the socket itself (a zero-byte read while idle, so an idle
/// connection holds no buffer) and returns one complete message, which gives backpressure without a pump task; sends are
/// written in call order, each completing when its frame was written.</item>
/// <item>Close: either side's close, a drop, a message the bridge cannot deliver (1009, 1007), or the server stopping
/// (<see cref="AsgiOptions.ShutdownWebSocketCloseCode"/>) ends the session; the application then receives
/// <c>websocket.disconnect</c> with the code that went over the wire, forever.</item>
/// <item>Finish (<see cref="FinishAsync"/>): the application returned or raised; its stamp is retired, the connection is
/// closed (1000 on a return, 1011 on a failure, 500 before an answer) and the outcome stored.</item>
/// </list>
/// </remarks>
internal sealed partial class WebSocketCycle : HttpContextConnection
{
    /// <summary>Strict UTF-8: invalid text closes the connection with 1007 instead of being repaired.</summary>
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly AsgiOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationToken _aborted;
    private readonly int _maxMessageSize;

    /// <summary>The application's frames and the bridge's own closes, in order.</summary>
    private readonly SendQueue _sends = new();
    private readonly ReceiveSlot _receives = new();

    private WebSocket? _socket;
    private volatile CycleState _state;
    private WebSocketDisconnect? _disconnect;
    private int _connectDelivered;
    private int _closeCode;
    private volatile bool _shutdownRequested;
    private AsgiProtocolException? _violation;

    /// <summary>Step 1: creates the cycle of one WebSocket request and its scope.</summary>
    /// <param name="context">The upgrade (or extended CONNECT) request.</param>
    /// <param name="runtime">The bridge's shared settings.</param>
    public WebSocketCycle(HttpContext context, AsgiBridgeRuntime runtime)
    {
        Context = context;
        _options = runtime.Options;
        Metrics = runtime.Metrics;
        _logger = runtime.Logger;
        _aborted = context.RequestAborted;
        _maxMessageSize = Math.Max(0, _options.MaxWebSocketMessageSize);
        Scope = new WebSocketScope(this);
        runtime.Connections.Add(this);
    }

    private enum CycleState
    {
        /// <summary>The handshake is held until the application accepts or denies.</summary>
        Handshake,

        /// <summary>The WebSocket is open (it may have been closed by the client since: see <see cref="_disconnect"/>).</summary>
        Accepted,

        /// <summary>The application (or the bridge) sent its close after accepting; waiting for the client's.</summary>
        Closing,

        /// <summary>A denial response (<c>websocket.http.response.start</c>) is being sent.</summary>
        Denying,

        /// <summary>The handshake was refused (403 or a complete denial response).</summary>
        Denied,
    }

    /// <summary>The scope of the connection.</summary>
    public WebSocketScope Scope { get; }

    /// <inheritdoc />
    public override string ReadScheme() => Context.Request.IsHttps ? "wss" : "ws";

    private string LogPath => HttpContextScopeReader.Path(Context);

    /// <summary>How the connection ended, or <see langword="null"/> while it is open.</summary>
    private WebSocketDisconnect? Disconnect => Volatile.Read(ref _disconnect);

    /// <summary>The close frames each side sent, when the bridge could observe them.</summary>
    private WebSocketFrameObservers? Frames => Context.Features.Get<WebSocketFrameObservers>();

    /// <summary>Records how the connection ended (the first record wins) and returns the event the application sees.</summary>
    private WebSocketDisconnect SetDisconnect(int code, string? reason = null)
    {
        var created = new WebSocketDisconnect(code, reason);
        var disconnect = Interlocked.CompareExchange(ref _disconnect, created, null) ?? created;
        RecordCloseCode(disconnect.Code);
        return disconnect;
    }

    /// <summary>Records the code the session ended with (the first one wins), for the connection's outcome.</summary>
    private void RecordCloseCode(int code) => Interlocked.CompareExchange(ref _closeCode, code, 0);

    /// <summary>Remembers the first protocol violation reported to the application, for the connection's outcome.</summary>
    private AsgiProtocolException Violation(AsgiProtocolException exception)
    {
        Interlocked.CompareExchange(ref _violation, exception, null);
        return exception;
    }

    /// <summary>
    /// Takes the send queue for one of the bridge's own closes, after the send being written (if any). A send that does not
    /// finish within the close timeout is stuck on a client that does not read: the socket is aborted, which ends it.
    /// </summary>
    private async Task EnterForBridgeAsync()
    {
        var enter = _sends.EnterExclusiveAsync();
        if (!enter.IsCompleted && await Task.WhenAny(enter, Task.Delay(_options.WebSocketCloseTimeout)).ConfigureAwait(false) != enter)
        {
            AsgiLog.WebSocketCloseTimeout(_logger, LogPath);
            _socket?.Abort();
        }

        await enter.ConfigureAwait(false);
    }

    private static bool IsTransportFailure(Exception exception) =>
        exception is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException;

    private static bool IsDisconnect(Exception exception) =>
        exception is AsgiClientDisconnectedException
        || (exception is AggregateException { InnerExceptions.Count: 1 } aggregate && IsDisconnect(aggregate.InnerExceptions[0]));
}
