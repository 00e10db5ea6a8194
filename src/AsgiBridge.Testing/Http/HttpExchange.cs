using System.Net;
using AsgiBridge.Messages;
using AsgiBridge.Server;

namespace AsgiBridge.Testing.Http;

/// <summary>
/// One request run in process: the scope, the application's <c>receive</c> and <c>send</c>, and the response handed to
/// the test. It mirrors the bridge's <c>HttpCycle</c>: the same <see cref="HttpResponseStateMachine"/> validates every
/// message, the start is held until the first body, and <c>receive</c> answers <c>http.disconnect</c> once the
/// response is complete or the client went away.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The token source has no timer; it only signals a client disconnect and is left to the GC with the exchange.")]
internal sealed partial class HttpExchange
{
    private readonly AsgiApp _app;
    private readonly HttpScope _scope;
    private readonly HttpRequestMessage _request;
    private readonly AsgiTestClientOptions _options;
    private readonly HttpResponseStateMachine _response = new();
    private readonly RequestBodySource? _body;
    private readonly ResponseBodyPipe _responseBody;
    private readonly TaskCompletionSource<HttpResponseMessage> _head = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<AsgiMessage> _disconnect = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _aborted = new();
    private readonly bool _suppressBody;
    private readonly bool _trailersAllowed;

    private HttpResponseMessage? _message;
    private bool _requestBodyDone;
    private int _receiving;
    private int _sending;
    private long _bodySent;
    private Exception? _violation;
    private CancellationTokenRegistration _cancellation;

    public HttpExchange(AsgiApp app, HttpRequestMessage request, AsgiTestClientOptions options, IReadOnlyDictionary<string, object?>? state)
    {
        _app = app;
        _request = request;
        _options = options;
        _suppressBody = request.Method == HttpMethod.Head;
        // Kestrel carries response trailers over HTTP/2 and HTTP/3 only (its HTTP/1.1 trailers feature is unavailable,
        // even for a client that sends 'TE: trailers'), so the bridge advertises them only there.
        _trailersAllowed = options.UseHttp2;
        _scope = TestScopeFactory.CreateHttp(request, options, state, _trailersAllowed);
        _responseBody = new ResponseBodyPipe(OnClientGone);
        Receive = ReceiveCore;
        Send = SendCore;

        var content = request.Content;
        if (content is not null && content.Headers.ContentLength is not 0)
        {
            _body = new RequestBodySource(content, content.Headers.ContentLength);
        }
    }

    /// <summary>The application's <c>receive</c>.</summary>
    public AsgiReceive Receive { get; }

    /// <summary>The application's <c>send</c>.</summary>
    public AsgiSend Send { get; }

    /// <summary>The scope the application runs with.</summary>
    public HttpScope Scope => _scope;

    /// <summary>Runs the application; completes with the response once the application committed its start.</summary>
    /// <param name="cancellationToken">Cancelling it is a client disconnect.</param>
    /// <returns>The response.</returns>
    public async Task<HttpResponseMessage> RunAsync(CancellationToken cancellationToken)
    {
        // Kept until the application finishes: cancelling the request later is still a client disconnect.
        _cancellation = cancellationToken.UnsafeRegister(static state => ((HttpExchange)state!).OnClientGone(), this);

        // Like TestHost, the application runs on the thread pool, so a synchronous application cannot block the test.
        var app = Task.Run(() => _app(_scope, Receive, Send), CancellationToken.None);
        _ = app.ContinueWith(static (task, state) => ((HttpExchange)state!).Finish(task.Exception is { } aggregate ? Unwrap(aggregate) : null),
            this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        // A cancelled request fails at once, as with TestHost; the application sees the disconnect and winds down on its own.
        return await _head.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static Exception Unwrap(AggregateException aggregate) =>
        aggregate.InnerExceptions.Count == 1 ? aggregate.InnerExceptions[0] : aggregate;

    private bool ClientGone => _aborted.IsCancellationRequested;

    private void OnClientGone()
    {
        if (!_aborted.IsCancellationRequested)
        {
            try
            {
                _aborted.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        _disconnect.TrySetResult(HttpDisconnect.Instance);
    }

    private void SignalResponseComplete()
    {
        _response.MarkComplete();
        _disconnect.TrySetResult(HttpDisconnect.Instance);
    }

    private ValueTask<AsgiMessage> ReceiveCore()
    {
        if (Interlocked.Exchange(ref _receiving, 1) != 0)
        {
            return ValueTask.FromException<AsgiMessage>(new AsgiProtocolException(
                "receive() was called while another receive() on the same connection is still running; await each receive before starting the next."));
        }

        if (_requestBodyDone || ClientGone)
        {
            Volatile.Write(ref _receiving, 0);
            return new ValueTask<AsgiMessage>(_disconnect.Task);
        }

        if (_body is null)
        {
            _requestBodyDone = true;
            Volatile.Write(ref _receiving, 0);
            return new ValueTask<AsgiMessage>(HttpRequestBody.Empty);
        }

        return ReadBodyAsync(_body);
    }

    private async ValueTask<AsgiMessage> ReadBodyAsync(RequestBodySource body)
    {
        try
        {
            var chunk = await body.ReadAsync(_aborted.Token).ConfigureAwait(false);
            if (chunk is null)
            {
                OnClientGone();
                return HttpDisconnect.Instance;
            }

            _requestBodyDone = !chunk.MoreBody;
            return chunk;
        }
        finally
        {
            Volatile.Write(ref _receiving, 0);
        }
    }

    private AsgiClientDisconnectedException ClientDisconnected()
    {
        OnClientGone();
        return new AsgiClientDisconnectedException("The client disconnected; the message could not be sent.");
    }

    private HttpResponseMessage NewResponse(int status) => new((HttpStatusCode)status)
    {
        RequestMessage = _request,
        Version = _options.UseHttp2 ? HttpVersion.Version20 : HttpVersion.Version11,
        Content = new ResponseBodyContent(_responseBody),
    };

    private static void AddHeader(HttpResponseMessage response, string name, string value)
    {
        if (!response.Headers.TryAddWithoutValidation(name, value))
        {
            response.Content.Headers.TryAddWithoutValidation(name, value);
        }
    }
}
