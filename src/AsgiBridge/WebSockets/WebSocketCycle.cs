using System.Diagnostics.CodeAnalysis;
using System.Net.WebSockets;
using System.Text;
using AsgiBridge.Hosting;
using AsgiBridge.Messages;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.WebSockets;

/// <summary>
/// One WebSocket connection: the ASGI <c>receive</c> and <c>send</c> of a <c>websocket</c> scope, as a state machine
/// over <see cref="HttpContext.WebSockets"/>. Pull model: each <c>receive()</c> reads the socket itself (a zero-byte
/// read while idle, so an idle connection holds no buffer), which gives natural backpressure without a pump task.
/// One <c>send</c> and one <c>receive</c> may run at the same time; overlapping sends or receives are rejected.
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "The SemaphoreSlim never creates its wait handle, and a stray application task may still call send after the connection ended.")]
internal sealed partial class WebSocketCycle
{
    /// <summary>Strict UTF-8: invalid text closes the connection with 1007 instead of being repaired.</summary>
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly HttpContext _context;
    private readonly WebSocketScope _scope;
    private readonly AsgiOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationToken _aborted;
    private readonly int _maxMessageSize;

    /// <summary>Serialises frames written by the application with the closes the bridge sends itself.</summary>
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    private WebSocket? _socket;
    private volatile CycleState _state;
    private WebSocketDisconnect? _disconnect;
    private bool _connectDelivered;
    private int _appSending;
    private int _receiving;
    private AsgiProtocolException? _violation;
    private int? _appCloseCode;

    /// <summary>Creates the cycle of one WebSocket request.</summary>
    /// <param name="context">The upgrade (or extended CONNECT) request.</param>
    /// <param name="scope">The connection's scope.</param>
    /// <param name="options">The bridge options.</param>
    /// <param name="logger">The bridge logger.</param>
    public WebSocketCycle(HttpContext context, WebSocketScope scope, AsgiOptions options, ILogger logger)
    {
        _context = context;
        _scope = scope;
        _options = options;
        _logger = logger;
        _aborted = context.RequestAborted;
        _maxMessageSize = Math.Max(0, options.MaxWebSocketMessageSize);
        Receive = ReceiveCore;
        Send = SendCore;
    }

    private enum CycleState
    {
        /// <summary>The handshake is held until the application accepts or denies.</summary>
        Handshake,

        /// <summary>The WebSocket is open (it may have been closed by either side since: see <see cref="_disconnect"/>).</summary>
        Accepted,

        /// <summary>The application sent <c>websocket.close</c> after accepting; waiting for the client's close.</summary>
        ClosedByApp,

        /// <summary>A denial response (<c>websocket.http.response.start</c>) is being sent.</summary>
        Denying,

        /// <summary>The handshake was refused (403 or a complete denial response).</summary>
        Denied,
    }

    /// <summary>The ASGI <c>receive</c> of this connection.</summary>
    public AsgiReceive Receive { get; }

    /// <summary>The ASGI <c>send</c> of this connection.</summary>
    public AsgiSend Send { get; }

    private string LogPath => _scope.Path;

    /// <summary>How the connection ended, or <see langword="null"/> while it is open.</summary>
    private WebSocketDisconnect? Disconnect => Volatile.Read(ref _disconnect);

    /// <summary>Records how the connection ended (the first record wins) and returns the event the application sees.</summary>
    private WebSocketDisconnect SetDisconnect(int code, string? reason = null)
    {
        var created = new WebSocketDisconnect(code, reason);
        return Interlocked.CompareExchange(ref _disconnect, created, null) ?? created;
    }

    /// <summary>Remembers the first protocol violation reported to the application, for the connection's outcome.</summary>
    private AsgiProtocolException Violation(AsgiProtocolException exception)
    {
        Interlocked.CompareExchange(ref _violation, exception, null);
        return exception;
    }

    private static bool IsTransportFailure(Exception exception) =>
        exception is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException;

    private static bool IsDisconnect(Exception exception) =>
        exception is AsgiClientDisconnectedException
        || (exception is AggregateException { InnerExceptions.Count: 1 } aggregate && IsDisconnect(aggregate.InnerExceptions[0]));
}
