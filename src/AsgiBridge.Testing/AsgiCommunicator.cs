using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using AsgiBridge.Messages;

namespace AsgiBridge.Testing;

/// <summary>
/// A message-level driver for protocol tests, like asgiref's <c>ApplicationCommunicator</c>: it starts one application
/// instance with a scope you build, lets you feed <c>receive</c> and read what the application passes to <c>send</c>,
/// with timeouts. Nothing is validated: use it to test exactly the messages an application or middleware emits.
/// </summary>
/// <example><code>
/// await using var app = new AsgiCommunicator(MyApp.Run, new HttpScope { Path = "/" });
/// await app.SendInputAsync(HttpRequestBody.Empty);
/// var start = await app.ReceiveOutputAsync&lt;HttpResponseStart&gt;();
/// </code></example>
public sealed class AsgiCommunicator : IAsyncDisposable
{
    /// <summary>The timeout used when none is given: 1 second, as asgiref.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(1);

    private readonly Channel<AsgiMessage> _input = Channel.CreateUnbounded<AsgiMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<AsgiMessage> _output = Channel.CreateUnbounded<AsgiMessage>();
    private readonly List<AsgiMessage> _sent = [];
    private readonly Task _app;
    private int _receiveCount;
    private volatile bool _clientGone;

    /// <summary>Starts the application with the scope; it runs until it returns or the communicator is disposed.</summary>
    /// <param name="app">The application.</param>
    /// <param name="scope">The scope to call it with.</param>
    public AsgiCommunicator(AsgiApp app, AsgiScope scope)
    {
        ArgumentNullException.ThrowIfNull(app);
        Scope = scope ?? throw new ArgumentNullException(nameof(scope));
        _app = Task.Run(() => app(scope, ReceiveAsync, SendAsync));
        _app.ContinueWith(static (_, state) => ((Channel<AsgiMessage>)state!).Writer.TryComplete(), _output,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The scope the application was called with.</summary>
    public AsgiScope Scope { get; }

    /// <summary>Whether the application has returned (or raised).</summary>
    public bool IsCompleted => _app.IsCompleted;

    /// <summary>How many times the application has called <c>receive</c> so far; a call still waiting counts.</summary>
    public int ReceiveCount => Volatile.Read(ref _receiveCount);

    /// <summary>Queues a message for the application's <c>receive</c>.</summary>
    /// <param name="message">The message.</param>
    /// <returns>A task that completes when the message is queued.</returns>
    public ValueTask SendInputAsync(AsgiMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _input.Writer.WriteAsync(message);
    }

    /// <summary>
    /// Returns the next message the application sent. When the application has finished with an exception and sent
    /// nothing more, that exception is re-thrown.
    /// </summary>
    /// <param name="timeout">How long to wait (default <see cref="DefaultTimeout"/>).</param>
    /// <returns>The message.</returns>
    /// <exception cref="TimeoutException">The application sent nothing in time.</exception>
    /// <exception cref="InvalidOperationException">The application returned without sending anything more.</exception>
    public async Task<AsgiMessage> ReceiveOutputAsync(TimeSpan? timeout = null)
    {
        var wait = timeout ?? DefaultTimeout;
        bool available;
        try
        {
            available = await _output.Reader.WaitToReadAsync().AsTask().WaitAsync(wait).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The application sent nothing within {wait}.");
        }

        if (available && _output.Reader.TryRead(out var message))
        {
            return message;
        }

        ThrowIfFaulted();
        throw new InvalidOperationException("The application returned without sending anything more.");
    }

    /// <summary>Returns the next message the application sent, which must be a <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The expected message type.</typeparam>
    /// <param name="timeout">How long to wait (default <see cref="DefaultTimeout"/>).</param>
    /// <returns>The message.</returns>
    /// <exception cref="InvalidOperationException">The application sent another type of message.</exception>
    public async Task<T> ReceiveOutputAsync<T>(TimeSpan? timeout = null)
        where T : AsgiMessage
    {
        var message = await ReceiveOutputAsync(timeout).ConfigureAwait(false);
        return message as T ?? throw new InvalidOperationException($"Expected {typeof(T).Name} but the application sent '{message.Type}'.");
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> and returns whether the application sent nothing in that time (asgiref's
    /// <c>receive_nothing</c>). A message that did arrive stays queued for <see cref="ReceiveOutputAsync(TimeSpan?)"/>.
    /// </summary>
    /// <param name="timeout">How long to watch (default 100 ms).</param>
    /// <returns><see langword="true"/> when nothing was sent.</returns>
    public async Task<bool> ReceiveNothingAsync(TimeSpan? timeout = null)
    {
        var wait = timeout ?? TimeSpan.FromMilliseconds(100);
        if (_output.Reader.TryPeek(out _))
        {
            return false;
        }

        try
        {
            var available = await _output.Reader.WaitToReadAsync().AsTask().WaitAsync(wait).ConfigureAwait(false);
            return !available;
        }
        catch (TimeoutException)
        {
            return true;
        }
    }

    /// <summary>
    /// Returns every message the application has sent so far, in order, including those already read with
    /// <see cref="ReceiveOutputAsync(TimeSpan?)"/>. The list is a copy: later sends do not change it.
    /// </summary>
    /// <returns>The messages sent so far.</returns>
    public IReadOnlyList<AsgiMessage> GetOutput()
    {
        lock (_sent)
        {
            return [.. _sent];
        }
    }

    /// <summary>
    /// The client leaves, as the bridge reports it: from now on every send by the application throws
    /// <see cref="AsgiClientDisconnectedException"/> (and is not recorded), and <c>receive</c> yields
    /// <c>http.disconnect</c>, or <c>websocket.disconnect</c> with <paramref name="code"/>, after the input already queued.
    /// </summary>
    /// <param name="code">The close code for a WebSocket scope (default 1006, a dropped connection); unused for HTTP.</param>
    /// <returns>A task that completes when the disconnect is queued.</returns>
    /// <exception cref="InvalidOperationException">The scope is neither HTTP nor WebSocket.</exception>
    public ValueTask DisconnectAsync(int code = 1006)
    {
        AsgiMessage disconnect = Scope switch
        {
            HttpScope => HttpDisconnect.Instance,
            WebSocketScope => new WebSocketDisconnect(code),
            _ => throw new InvalidOperationException($"A '{Scope.Type}' scope has no client to disconnect."),
        };

        // Sends fail before the application can see the disconnect, as with a server that noticed the client leave.
        _clientGone = true;
        return SendInputAsync(disconnect);
    }

    /// <summary>Waits for the application to return and re-throws what it raised.</summary>
    /// <param name="timeout">How long to wait (default <see cref="DefaultTimeout"/>).</param>
    /// <returns>A task that completes when the application has returned.</returns>
    /// <exception cref="TimeoutException">The application is still running.</exception>
    public async Task WaitAsync(TimeSpan? timeout = null)
    {
        var wait = timeout ?? DefaultTimeout;
        try
        {
            await _app.WaitAsync(wait).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!_app.IsCompleted)
        {
            throw new TimeoutException($"The application did not return within {wait}.");
        }
    }

    /// <summary>Stops feeding the application: a pending <c>receive</c> fails, as when asgiref cancels the instance.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        _input.Writer.TryComplete(new OperationCanceledException("The communicator was disposed."));
        return ValueTask.CompletedTask;
    }

    private async ValueTask<AsgiMessage> ReceiveAsync()
    {
        Interlocked.Increment(ref _receiveCount);
        return await _input.Reader.ReadAsync().ConfigureAwait(false);
    }

    private ValueTask SendAsync(AsgiMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_clientGone)
        {
            return ValueTask.FromException(new AsgiClientDisconnectedException("The client disconnected; the message could not be sent."));
        }

        lock (_sent)
        {
            _sent.Add(message);
        }

        _output.Writer.TryWrite(message);
        return default;
    }

    private void ThrowIfFaulted()
    {
        if (_app.Exception is { } aggregate)
        {
            ExceptionDispatchInfo.Throw(aggregate.InnerExceptions.Count == 1 ? aggregate.InnerExceptions[0] : aggregate);
        }
    }
}
