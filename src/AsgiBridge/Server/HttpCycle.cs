using System.IO.Pipelines;
using AsgiBridge.Diagnostics;
using AsgiBridge.Hosting;
using AsgiBridge.Messages;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Server;

/// <summary>
/// One HTTP request/response cycle: the ASGI <c>receive</c> and <c>send</c> of a request, as a state machine over
/// <see cref="HttpContext"/>. Instances are pooled; the scope of each request reads its keys through the cycle, and the
/// application's callables carry the stamp of their request, so nothing kept after a request can reach the next one.
/// </summary>
/// <remarks>
/// The steps of one request (the code marks each with "Step N"):
/// <list type="number">
/// <item>Bind (<see cref="Initialize"/>): the endpoint rents the cycle, which builds the scope (keys read lazily) and
/// the callables bound to the current stamp; the connection is tracked for the graceful shutdown.</item>
/// <item>Receive: the request body in chunks (Kestrel sends <c>100 Continue</c> on the first read), then
/// <c>http.disconnect</c> once the response is complete, the client left or the server is stopping. A receive that
/// starts while another is pending joins it.</item>
/// <item>Send <c>http.response.start</c>: validated and held; nothing is written yet.</item>
/// <item>Send <c>http.response.body</c>: the first one commits the held start (<c>Content-Length</c> for a single-event
/// body; chunked and unbuffered for a stream); each is written and flushed before <c>send</c> completes; the final one
/// completes the response. Concurrent sends wait their turn in call order.</item>
/// <item>Send trailers, pathsend, early hints, debug: the extensions.</item>
/// <item>Finish (<see cref="FinishAsync"/>): the application returned or raised; its stamp is retired, the outcome is
/// decided (500 before the start, cut off after it, nothing once complete) and stored as <see cref="AsgiConnectionOutcome"/>.</item>
/// <item>Release (<see cref="Reset"/>): back to the pool, with the body chunks it lent (pooled buffers only), unless a
/// receive or send the application left running still uses the cycle.</item>
/// </list>
/// </remarks>
internal sealed partial class HttpCycle : HttpContextConnection
{
    private readonly HttpResponseStateMachine _response = new();
    private readonly SendQueue _sends = new();
    private readonly ReceiveSlot _receives = new();

    private AsgiBridgeRuntime _runtime = null!;
    private AsgiOptions _options = null!;
    private ILogger _logger = null!;
    private IHttpResponseBodyFeature _body = null!;
    private PipeWriter _writer = null!;

    private bool _suppressBody;
    private bool _multiplexed;
    private bool _trailersAllowed;
    private bool _trailersDropped;

    private bool _requestBodyDone;
    private volatile bool _disconnected;
    private volatile bool _stopping;
    private long _bodyRead;
    private long? _requestContentLength;
    private bool _pooledBodies;
    private List<byte[]>? _lent;
    private long _lentBytes;

    private TaskCompletionSource<AsgiMessage>? _disconnectWaiter;
    private CancellationTokenRegistration _abortRegistration;
    private AsgiProtocolException? _violation;

    /// <summary>The scope of the current request.</summary>
    public HttpScope Scope { get; private set; } = null!;

    /// <summary>
    /// Whether no <c>receive</c> or <c>send</c> is still running. An application may return while one it started is
    /// still pending; such a cycle must not be reused, or the pending operation would act on the next request.
    /// </summary>
    public bool IsIdle => !_receives.IsActive && !_sends.IsHeld && _sends.WaitingCount == 0;

    /// <summary>Whether the response has been fully sent.</summary>
    public bool IsResponseComplete => _response.IsComplete;

    /// <summary>Step 1: prepares the cycle for one request and builds its scope.</summary>
    /// <param name="context">The request.</param>
    /// <param name="runtime">The bridge's shared settings.</param>
    /// <param name="trailersAllowed">Whether trailers can reach this client.</param>
    public void Initialize(HttpContext context, AsgiBridgeRuntime runtime, bool trailersAllowed)
    {
        Context = context;
        _runtime = runtime;
        Metrics = runtime.Metrics;
        _options = runtime.Options;
        _logger = runtime.Logger;
        _trailersAllowed = trailersAllowed;
        _body = context.Features.Get<IHttpResponseBodyFeature>()!;
        _writer = _body.Writer;

        var request = context.Request;
        _suppressBody = HttpMethods.IsHead(request.Method);
        _multiplexed = HttpProtocol.IsHttp2(request.Protocol) || HttpProtocol.IsHttp3(request.Protocol);
        _requestContentLength = request.ContentLength;
        _pooledBodies = runtime.Options.RequestBodyBuffers == AsgiRequestBodyBuffers.Pooled;
        Scope = new HttpScope(this);
        if (runtime.Connections.Add(this))
        {
            _stopping = true;
        }
    }

    /// <summary>Step 7: clears per-request state and returns lent body chunks before the cycle goes back to the pool.</summary>
    public void Reset()
    {
        _abortRegistration.Dispose();
        _abortRegistration = default;
        _disconnectWaiter = null;
        Context = null!;
        Scope = null!;
        Activity = null;
        MetricsTracked = false;
        MetricsStarted = 0;
        _body = null!;
        _writer = null!;
        _response.Reset();
        _sends.Reset();
        _receives.Reset();
        _suppressBody = false;
        _multiplexed = false;
        _trailersAllowed = false;
        _trailersDropped = false;
        _requestBodyDone = false;
        _disconnected = false;
        _stopping = false;
        _bodyRead = 0;
        _requestContentLength = null;
        _violation = null;
        ReturnLentChunks();
        _pooledBodies = false;
        _lentBytes = 0;
    }

    /// <inheritdoc />
    public override string ReadScheme() => Context.Request.Scheme;

    /// <inheritdoc />
    /// <remarks>
    /// Only what makes a connection long-lived is affected: a <c>receive</c> waiting for the end of the exchange (SSE, long
    /// polling) returns <c>http.disconnect</c>, and a streaming response may not continue (its next <c>more_body</c> send
    /// raises), so well-written streaming loops end by themselves. A request still working towards its response, or still
    /// receiving its body, is served normally.
    /// </remarks>
    public override void OnServerStopping()
    {
        _stopping = true;
        Volatile.Read(ref _disconnectWaiter)?.TrySetResult(HttpDisconnect.Instance);
    }

    private bool ClientGone => _disconnected || Context.RequestAborted.IsCancellationRequested;

    private void SignalResponseComplete()
    {
        _response.MarkComplete();
        Volatile.Read(ref _disconnectWaiter)?.TrySetResult(HttpDisconnect.Instance);
    }

    private void SignalDisconnected()
    {
        _disconnected = true;
        Volatile.Read(ref _disconnectWaiter)?.TrySetResult(HttpDisconnect.Instance);
    }

    /// <summary>Remembers the first protocol violation reported to the application, for the connection's outcome.</summary>
    /// <param name="exception">The exception about to be raised from <c>send</c> or <c>receive</c>.</param>
    /// <returns><paramref name="exception"/>.</returns>
    private Exception Violation(Exception exception)
    {
        if (exception is AsgiProtocolException violation)
        {
            Interlocked.CompareExchange(ref _violation, violation, null);
        }

        return exception;
    }

    // Read from the request, not the scope: the application may have changed the scope, and its stamp may be retired.
    private string LogPath => HttpContextScopeReader.Path(Context);

    private string LogMethod => Context.Request.Method;
}
