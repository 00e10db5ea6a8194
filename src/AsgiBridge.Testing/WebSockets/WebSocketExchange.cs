using System.Buffers;
using System.Text;
using System.Threading.Channels;
using AsgiBridge.Messages;

namespace AsgiBridge.Testing.WebSockets;

/// <summary>
/// The application side of an in-process WebSocket: <c>receive</c> yields <c>websocket.connect</c>, then what the test
/// sends, then <c>websocket.disconnect</c>; <c>send</c> is checked with <see cref="WebSocketSendRules"/> and feeds the
/// handshake outcome and the queue the test reads.
/// </summary>
internal sealed class WebSocketExchange
{
    private readonly AsgiApp _app;
    private readonly AsgiTestClientOptions _options;
    private readonly Channel<AsgiMessage> _toApp = Channel.CreateUnbounded<AsgiMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<AsgiMessage> _fromApp = Channel.CreateUnbounded<AsgiMessage>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly TaskCompletionSource<WebSocketAccept> _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly System.Buffers.ArrayBufferWriter<byte> _denialBody = new();
    private WebSocketHttpResponseStart? _denial;
    private WebSocketPhase _phase;
    private WebSocketDisconnect? _lastDisconnect;
    private int _sending;
    private int _receiving;
    private Exception? _failure;

    public WebSocketExchange(AsgiApp app, WebSocketScope scope, AsgiTestClientOptions options)
    {
        _app = app;
        Scope = scope;
        _options = options;
        _toApp.Writer.TryWrite(WebSocketConnect.Instance);
    }

    public WebSocketScope Scope { get; }

    /// <summary>The application's run; completes when it returns (faults are observed through <see cref="Failure"/>).</summary>
    public Task AppCompletion { get; private set; } = Task.CompletedTask;

    /// <summary>The application's exception to re-throw into the test, when <see cref="AsgiTestClientOptions.RaiseServerExceptions"/> is on.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>The messages the application sent after accepting (<see cref="WebSocketSend"/>, <see cref="WebSocketClose"/>).</summary>
    public ChannelReader<AsgiMessage> Outgoing => _fromApp.Reader;

    public WebSocketPhase Phase
    {
        get
        {
            lock (_gate)
            {
                return _phase;
            }
        }
    }

    /// <summary>Starts the application and waits for its answer to the handshake.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The accept message.</returns>
    public async Task<WebSocketAccept> ConnectAsync(CancellationToken cancellationToken)
    {
        var app = Task.Run(() => _app(Scope, ReceiveAsync, SendAsync), CancellationToken.None);
        AppCompletion = app.ContinueWith(static (task, state) => ((WebSocketExchange)state!).Finish(task.Exception?.InnerException),
            this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            return await _handshake.Task.WaitAsync(_options.Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The application did not answer websocket.connect within {_options.Timeout}.");
        }
    }

    /// <summary>Delivers a client message to the application.</summary>
    /// <param name="message">A <see cref="WebSocketReceive"/>.</param>
    /// <returns><see langword="false"/> when the connection is no longer open.</returns>
    public bool Deliver(AsgiMessage message)
    {
        lock (_gate)
        {
            return _phase == WebSocketPhase.Open && _toApp.Writer.TryWrite(message);
        }
    }

    /// <summary>Closes from the client side: the application receives <c>websocket.disconnect</c>.</summary>
    /// <param name="code">The close code.</param>
    /// <param name="reason">The reason.</param>
    /// <returns><see langword="false"/> when the connection was not open.</returns>
    public bool CloseFromClient(int code, string reason)
    {
        lock (_gate)
        {
            if (_phase != WebSocketPhase.Open)
            {
                return false;
            }

            _phase = WebSocketPhase.ClosedByClient;
            var disconnect = new WebSocketDisconnect(code, reason);
            _lastDisconnect = disconnect;
            _toApp.Writer.TryWrite(disconnect);
            _toApp.Writer.TryComplete();
            return true;
        }
    }

    private async ValueTask<AsgiMessage> ReceiveAsync()
    {
        if (Interlocked.Exchange(ref _receiving, 1) != 0)
        {
            throw new AsgiProtocolException(
                "receive() was called while another receive() on the same connection is still running; await each receive before starting the next.");
        }

        try
        {
            if (await _toApp.Reader.WaitToReadAsync().ConfigureAwait(false) && _toApp.Reader.TryRead(out var message))
            {
                return message;
            }

            // The connection is over: every later receive repeats the disconnect.
            lock (_gate)
            {
                return _lastDisconnect ?? new WebSocketDisconnect(1006);
            }
        }
        finally
        {
            Volatile.Write(ref _receiving, 0);
        }
    }

    private ValueTask SendAsync(AsgiMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Interlocked.Exchange(ref _sending, 1) != 0)
        {
            return ValueTask.FromException(new AsgiProtocolException(message.Type, null,
                "send() was called while another send() on the same connection is still running; await each send before starting the next."));
        }

        try
        {
            lock (_gate)
            {
                WebSocketSendRules.Check(_phase, message);
                Apply(message);
            }

            return default;
        }
        catch (Exception ex)
        {
            if (ex is AsgiProtocolException && _options.RaiseServerExceptions)
            {
                Interlocked.CompareExchange(ref _failure, ex, null);
            }

            return ValueTask.FromException(ex);
        }
        finally
        {
            Volatile.Write(ref _sending, 0);
        }
    }

    private void Apply(AsgiMessage message)
    {
        switch (message)
        {
            case WebSocketAccept accept:
                _phase = WebSocketPhase.Open;
                _handshake.TrySetResult(accept);
                break;
            case WebSocketClose when _phase == WebSocketPhase.Connecting:
                _phase = WebSocketPhase.ClosedByApp;
                EndApp(1006);
                _handshake.TrySetException(new AsgiWebSocketDeniedException(403, [], [], "websocket.close before websocket.accept"));
                break;
            case WebSocketClose close:
                _phase = WebSocketPhase.ClosedByApp;
                _fromApp.Writer.TryWrite(close);
                EndApp(close.Code, close.Reason);
                break;
            case WebSocketSend send:
                _fromApp.Writer.TryWrite(send);
                break;
            case WebSocketHttpResponseStart start:
                _phase = WebSocketPhase.Denying;
                _denial = start;
                break;
            case WebSocketHttpResponseBody body:
                _denialBody.Write(body.Body.Span);
                if (!body.MoreBody)
                {
                    _phase = WebSocketPhase.ClosedByApp;
                    EndApp(1006);
                    _handshake.TrySetException(new AsgiWebSocketDeniedException(_denial!.Status, _denial.Headers, _denialBody.WrittenSpan.ToArray(), "denial response"));
                }

                break;
        }
    }

    /// <summary>The application's side is over: its receive answers with a disconnect (the peer's echo of a close).</summary>
    private void EndApp(int code, string? reason = null)
    {
        _lastDisconnect = new WebSocketDisconnect(code, reason);
        _toApp.Writer.TryWrite(_lastDisconnect);
        _toApp.Writer.TryComplete();
    }

    private void Finish(Exception? exception)
    {
        if (exception is AsgiClientDisconnectedException)
        {
            exception = null;
        }

        lock (_gate)
        {
            exception ??= _options.RaiseServerExceptions ? _failure : null;
            if (exception is not null && _options.RaiseServerExceptions)
            {
                Volatile.Write(ref _failure, exception);
            }

            switch (_phase)
            {
                case WebSocketPhase.Connecting:
                    _phase = WebSocketPhase.ClosedByApp;
                    if (exception is not null && _options.RaiseServerExceptions)
                    {
                        _handshake.TrySetException(exception);
                    }
                    else
                    {
                        // As uvicorn: an application that fails or returns before accepting gets a 500.
                        var body = Encoding.UTF8.GetBytes(_options.InternalServerErrorBody);
                        _handshake.TrySetException(new AsgiWebSocketDeniedException(500,
                            [new("content-type", "text/plain; charset=utf-8"), new("content-length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))],
                            body, exception is null ? "the application returned before accepting" : "the application raised before accepting"));
                    }

                    break;
                case WebSocketPhase.Denying:
                    _phase = WebSocketPhase.ClosedByApp;
                    _handshake.TrySetException(exception is not null && _options.RaiseServerExceptions
                        ? exception
                        : new IOException("The server aborted the denial response before it was complete."));
                    break;
                case WebSocketPhase.Open:
                    // The server closes a connection the application left open: 1000 when it returned, 1011 when it raised.
                    _phase = WebSocketPhase.ClosedByApp;
                    _fromApp.Writer.TryWrite(new WebSocketClose(exception is null ? 1000 : 1011));
                    break;
            }

            _toApp.Writer.TryComplete();
            _fromApp.Writer.TryComplete();
        }
    }
}
