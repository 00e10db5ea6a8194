using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using AsgiBridge.Hosting;
using AsgiBridge.Messages;
using AsgiBridge.Testing.Hosting;
using AsgiBridge.Testing.WebSockets;

namespace AsgiBridge.Testing;

/// <summary>
/// An accepted WebSocket to the application, running over an in-memory connection with System.Net.WebSockets framing
/// on both ends (the server end is the bridge's own WebSocket cycle). Send text, bytes or JSON; receive what the
/// application sends, with a timeout; close from either side; or drop the connection. A close from the application is
/// answered (echoed) at once, as browsers do. With <see cref="AsgiTestClientOptions.RaiseServerExceptions"/> on, what the
/// application raised (or a protocol rule it broke) is re-thrown once the connection ended: by the receive that meets
/// the close, by <see cref="CloseAsync"/> and by disposal.
/// </summary>
public sealed class AsgiWebSocketSession : IAsyncDisposable
{
    private readonly WebSocket _socket;
    private readonly InMemoryConnection _connection;
    private readonly ConnectionSlot _slot;
    private readonly Stream _handshakeBody;
    private readonly bool _raise;
    private readonly TimeSpan _timeout;
    private readonly Channel<AsgiMessage> _incoming = Channel.CreateUnbounded<AsgiMessage>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Task _pump;
    private volatile WebSocketClose? _appClose;
    private volatile bool _clientClosed;
    private volatile bool _lost;
    private bool _failureReported;

    internal AsgiWebSocketSession(WebSocket socket, InMemoryConnection connection, ConnectionSlot slot, Stream handshakeBody,
        IReadOnlyList<AsgiHeader> acceptHeaders, AsgiTestClientOptions options)
    {
        _socket = socket;
        _connection = connection;
        _slot = slot;
        _handshakeBody = handshakeBody;
        _raise = options.RaiseServerExceptions;
        _timeout = options.Timeout;
        Subprotocol = socket.SubProtocol;
        AcceptHeaders = acceptHeaders;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>The subprotocol the application accepted, or <see langword="null"/>.</summary>
    public string? Subprotocol { get; }

    /// <summary>
    /// The headers of the handshake response, names lower-cased: the WebSocket handshake's own (<c>upgrade</c>,
    /// <c>sec-websocket-accept</c>, …) and those the application sent with <c>websocket.accept</c>.
    /// </summary>
    public IReadOnlyList<AsgiHeader> AcceptHeaders { get; }

    /// <summary>The close the application sent, once a receive met it; <see langword="null"/> before.</summary>
    public WebSocketClose? CloseMessage => _appClose;

    /// <summary>How the bridge saw the connection end, once the application finished; <see langword="null"/> before.</summary>
    public AsgiConnectionOutcome? Outcome => _slot.Outcome;

    /// <summary>Waits until the application has finished with this connection and returns the bridge's record of it.</summary>
    /// <param name="timeout">How long to wait; <see cref="AsgiTestClientOptions.Timeout"/> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="TimeoutException">The application is still running.</exception>
    public async Task<AsgiConnectionOutcome> WaitForOutcomeAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        await _slot.WaitAsync(timeout ?? _timeout, cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException("No ASGI application served this connection.");

    /// <summary>Sends a text message; the application's next <c>receive</c> yields it.</summary>
    /// <param name="text">The text.</param>
    /// <returns>A task that completes when the message was written.</returns>
    /// <exception cref="InvalidOperationException">The connection is closed.</exception>
    public Task SendTextAsync(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);
    }

    /// <summary>Sends a binary message.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>A task that completes when the message was written.</returns>
    /// <exception cref="InvalidOperationException">The connection is closed.</exception>
    public Task SendBytesAsync(ReadOnlyMemory<byte> bytes) => SendAsync(bytes, WebSocketMessageType.Binary);

    /// <summary>Sends a value as a JSON text message (web defaults: camelCase).</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="options">Serializer options; web defaults when <see langword="null"/>.</param>
    /// <returns>A task that completes when the message was written.</returns>
    public Task SendJsonAsync<T>(T value, JsonSerializerOptions? options = null) =>
        SendAsync(JsonSerializer.SerializeToUtf8Bytes(value, options ?? JsonSerializerOptions.Web), WebSocketMessageType.Text);

    /// <summary>Receives the next message the application sent: a <see cref="WebSocketSend"/> or its <see cref="WebSocketClose"/>.</summary>
    /// <param name="timeout">How long to wait; <see cref="AsgiTestClientOptions.Timeout"/> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The message.</returns>
    /// <exception cref="TimeoutException">Nothing arrived in time (the connection stays open).</exception>
    /// <exception cref="AsgiWebSocketClosedException">The connection had already ended.</exception>
    public async Task<AsgiMessage> ReceiveAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var wait = timeout ?? _timeout;
        bool available;
        try
        {
            available = await _incoming.Reader.WaitToReadAsync(cancellationToken).AsTask().WaitAsync(wait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The application sent nothing within {wait}.");
        }

        if (!available || !_incoming.Reader.TryRead(out var message))
        {
            await ThrowIfFailedAsync(cancellationToken).ConfigureAwait(false);
            throw _appClose is { } close
                ? new AsgiWebSocketClosedException(close.Code, close.Reason)
                : new AsgiWebSocketClosedException(_lost
                    ? "The connection ended without a close frame (abnormal closure, 1006)."
                    : "The WebSocket is closed; the application will send nothing more.", 1006);
        }

        if (message is WebSocketClose appClose)
        {
            _appClose = appClose;
            await ThrowIfFailedAsync(cancellationToken).ConfigureAwait(false);
        }

        return message;
    }

    /// <summary>Receives a text message.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The text.</returns>
    /// <exception cref="AsgiWebSocketClosedException">The application closed the connection instead.</exception>
    /// <exception cref="InvalidOperationException">The application sent bytes instead.</exception>
    public async Task<string> ReceiveTextAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var send = await ReceiveSendAsync(timeout, cancellationToken).ConfigureAwait(false);
        return send.Text ?? throw new InvalidOperationException($"Expected a text message but the application sent {send.Bytes!.Value.Length} bytes.");
    }

    /// <summary>Receives a binary message.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="AsgiWebSocketClosedException">The application closed the connection instead.</exception>
    /// <exception cref="InvalidOperationException">The application sent text instead.</exception>
    public async Task<byte[]> ReceiveBytesAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var send = await ReceiveSendAsync(timeout, cancellationToken).ConfigureAwait(false);
        return send.Bytes is { } bytes ? bytes.ToArray() : throw new InvalidOperationException($"Expected a binary message but the application sent text: '{send.Text}'.");
    }

    /// <summary>Receives a JSON message (text or bytes) and deserializes it (web defaults).</summary>
    /// <typeparam name="T">The target type.</typeparam>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="options">Serializer options; web defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The value.</returns>
    public async Task<T?> ReceiveJsonAsync<T>(TimeSpan? timeout = null, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var send = await ReceiveSendAsync(timeout, cancellationToken).ConfigureAwait(false);
        var json = send.Text is { } text ? Encoding.UTF8.GetBytes(text) : send.Bytes!.Value.ToArray();
        return JsonSerializer.Deserialize<T>(json, options ?? JsonSerializerOptions.Web);
    }

    /// <summary>Waits for the application to close the connection and returns its close code and reason.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The close message.</returns>
    /// <exception cref="InvalidOperationException">The application sent a message instead.</exception>
    public async Task<WebSocketClose> ReceiveCloseAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        if (_appClose is { } known)
        {
            return known;
        }

        var message = await ReceiveAsync(timeout, cancellationToken).ConfigureAwait(false);
        return message as WebSocketClose
            ?? throw new InvalidOperationException($"Expected the application to close the WebSocket, but it sent {Describe(message)}.");
    }

    /// <summary>
    /// Closes from the client side with a close frame (code 1005 sends a frame without a code): the application receives
    /// <c>websocket.disconnect</c> with the code and reason. Then waits for the application's close and for the
    /// application to finish, and re-throws what it raised.
    /// </summary>
    /// <param name="code">The close code (default 1000).</param>
    /// <param name="reason">The reason (default none).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the application has finished.</returns>
    public async Task CloseAsync(int code = 1000, string? reason = null, CancellationToken cancellationToken = default)
    {
        if (!_clientClosed && _appClose is null && !_lost && _socket.State == WebSocketState.Open)
        {
            _clientClosed = true;
            var status = (WebSocketCloseStatus)code;
            await SendLockedAsync(() => _socket.State == WebSocketState.Open
                ? _socket.CloseOutputAsync(status, status == WebSocketCloseStatus.Empty ? null : reason, cancellationToken)
                : Task.CompletedTask, cancellationToken).ConfigureAwait(false);
        }

        _clientClosed = true;
        await FinishAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Drops the connection without a close frame, as a client that loses its network would: the application receives
    /// <c>websocket.disconnect</c> with 1006. Waits for the application to finish.
    /// </summary>
    /// <returns>A task that completes when the application has finished.</returns>
    public async Task AbortAsync()
    {
        _lost = true;
        _clientClosed = true;
        _socket.Abort();
        _connection.Client.Close(new IOException("The client dropped the connection."));
        await _handshakeBody.DisposeAsync().ConfigureAwait(false); // the server sees the connection go away
        await FinishAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Closes the connection if it is still open (code 1000) and waits for the application to finish.</summary>
    /// <returns>A task that completes when the application has finished.</returns>
    public async ValueTask DisposeAsync() => await CloseAsync().ConfigureAwait(false);

    private static string Describe(AsgiMessage message) => message switch
    {
        WebSocketSend { Text: { } text } => $"a text message '{text}'",
        WebSocketSend { Bytes: { } bytes } => $"a binary message of {bytes.Length} bytes",
        _ => message.Type,
    };

    private async Task FinishAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _pump.WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The application did not close the WebSocket within {_timeout} after the client closed it.");
        }

        var outcome = await _slot.WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
        _socket.Dispose();
        _connection.Client.Dispose();
        await _handshakeBody.DisposeAsync().ConfigureAwait(false);
        if (_raise && !_failureReported && FailurePolicy.ToRaise(outcome) is { } failure)
        {
            _failureReported = true;
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    private async Task<WebSocketSend> ReceiveSendAsync(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var message = await ReceiveAsync(timeout, cancellationToken).ConfigureAwait(false);
        return message switch
        {
            WebSocketSend send => send,
            WebSocketClose close => throw new AsgiWebSocketClosedException(close.Code, close.Reason),
            _ => throw new InvalidOperationException($"Unexpected message {message.Type}."),
        };
    }

    private async Task SendAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType type)
    {
        if (_clientClosed)
        {
            throw new InvalidOperationException("The test already closed this WebSocket.");
        }

        if (_appClose is { } close || _socket.State != WebSocketState.Open || _lost)
        {
            throw new InvalidOperationException(_appClose is { } known
                ? $"The application closed the WebSocket with code {known.Code}; nothing more can be sent."
                : "The WebSocket is closed (the application closed it, or the connection ended); nothing more can be sent.");
        }

        await SendLockedAsync(() => _socket.SendAsync(payload, type, endOfMessage: true, CancellationToken.None).AsTask(), CancellationToken.None).ConfigureAwait(false);
    }

    private async Task SendLockedAsync(Func<Task> send, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await send().ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ThrowIfFailedAsync(CancellationToken cancellationToken)
    {
        if (!_raise || _failureReported)
        {
            return;
        }

        if (FailurePolicy.ToRaise(await _slot.WaitAsync(_timeout, cancellationToken).ConfigureAwait(false)) is { } failure)
        {
            _failureReported = true;
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>Reads every message the application sends; answers its close; ends when the connection does.</summary>
    private async Task PumpAsync()
    {
        var message = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (true)
            {
                message.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(message.GetMemory(4096), CancellationToken.None).ConfigureAwait(false);
                    message.Advance(result.Count);
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    var status = _socket.CloseStatus ?? WebSocketCloseStatus.Empty;
                    var close = new WebSocketClose((int)status, _socket.CloseStatusDescription);
                    // Answer the application's close, as a browser does, so its closing handshake completes.
                    await SendLockedAsync(() => _socket.State == WebSocketState.CloseReceived
                        ? _socket.CloseOutputAsync(status, null, CancellationToken.None)
                        : Task.CompletedTask, CancellationToken.None).ConfigureAwait(false);

                    _incoming.Writer.TryWrite(close);
                    return;
                }

                _incoming.Writer.TryWrite(result.MessageType == WebSocketMessageType.Text
                    ? WebSocketSend.FromText(Encoding.UTF8.GetString(message.WrittenSpan))
                    : WebSocketSend.FromBytes(message.WrittenSpan.ToArray()));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            _lost = true;
        }
        finally
        {
            _incoming.Writer.TryComplete();
        }
    }
}
