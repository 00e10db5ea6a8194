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
/// <see cref="HttpContext"/>. Instances are pooled; the two delegates are bound once per instance, so a request
/// costs no delegate allocations. <c>send</c> and <c>receive</c> may overlap each other but not themselves.
/// </summary>
internal sealed partial class HttpCycle
{
    private HttpContext _context = null!;
    private HttpScope _scope = null!;
    private IHttpResponseBodyFeature _body = null!;
    private PipeWriter _writer = null!;
    private ILogger _logger = null!;
    private AsgiOptions _options = null!;

    private readonly HttpResponseStateMachine _response = new();
    private bool _suppressBody;
    private bool _multiplexed;
    private bool _trailersAllowed;
    private bool _trailersDropped;

    private bool _canHaveBody;
    private bool _requestBodyDone;
    private volatile bool _disconnected;
    private long _bodyRead;
    private long? _requestContentLength;

    private int _receiving;
    private AsgiProtocolException? _violation;
    private TaskCompletionSource<AsgiMessage>? _disconnectWaiter;
    private CancellationTokenRegistration _abortRegistration;

    public HttpCycle()
    {
        Receive = ReceiveCore;
        Send = SendCore;
    }

    /// <summary>The ASGI <c>receive</c> of the current request.</summary>
    public AsgiReceive Receive { get; }

    /// <summary>The ASGI <c>send</c> of the current request.</summary>
    public AsgiSend Send { get; }

    /// <summary>
    /// Whether no <c>receive</c> or <c>send</c> is still running. An application may return while one it started is
    /// still pending; such a cycle must not be reused, or the pending operation would act on the next request.
    /// </summary>
    public bool IsIdle => Volatile.Read(ref _receiving) == 0 && !_response.IsSending;

    /// <summary>Whether the response has been fully sent.</summary>
    public bool IsResponseComplete => _response.IsComplete;

    /// <summary>Prepares the cycle for one request.</summary>
    /// <param name="context">The request.</param>
    /// <param name="scope">The request's scope.</param>
    /// <param name="options">The bridge options.</param>
    /// <param name="logger">The bridge logger.</param>
    /// <param name="trailersAllowed">Whether trailers can reach this client.</param>
    public void Initialize(HttpContext context, HttpScope scope, AsgiOptions options, ILogger logger, bool trailersAllowed)
    {
        _context = context;
        _scope = scope;
        _options = options;
        _logger = logger;
        _trailersAllowed = trailersAllowed;
        _body = context.Features.Get<IHttpResponseBodyFeature>()!;
        _writer = _body.Writer;

        var request = context.Request;
        _suppressBody = HttpMethods.IsHead(request.Method);
        _multiplexed = HttpProtocol.IsHttp2(request.Protocol) || HttpProtocol.IsHttp3(request.Protocol);
        _requestContentLength = request.ContentLength;
        var detection = context.Features.Get<IHttpRequestBodyDetectionFeature>();
        _canHaveBody = detection?.CanHaveBody ?? true;
    }

    /// <summary>Clears per-request state before the cycle goes back to the pool.</summary>
    public void Reset()
    {
        _abortRegistration.Dispose();
        _abortRegistration = default;
        _disconnectWaiter = null;
        _context = null!;
        _scope = null!;
        _body = null!;
        _writer = null!;
        _response.Reset();
        _suppressBody = false;
        _multiplexed = false;
        _trailersAllowed = false;
        _trailersDropped = false;
        _canHaveBody = false;
        _requestBodyDone = false;
        _disconnected = false;
        _bodyRead = 0;
        _requestContentLength = null;
        _receiving = 0;
        _violation = null;
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

    private bool ClientGone => _disconnected || _context.RequestAborted.IsCancellationRequested;

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

    private string LogPath => _scope.Path;

    private string LogMethod => _context.Request.Method;
}
