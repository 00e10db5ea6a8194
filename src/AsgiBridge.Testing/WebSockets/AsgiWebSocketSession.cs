using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;
using AsgiBridge.Messages;
using AsgiBridge.Testing.WebSockets;

namespace AsgiBridge.Testing;

/// <summary>
/// An accepted in-process WebSocket: send text, bytes or JSON to the application, receive what it sends (with a
/// timeout), close from either side. Disposing an open session closes it with 1000. With
/// <see cref="AsgiTestClientOptions.RaiseServerExceptions"/> on, an exception the application raised (or a protocol
/// violation it made) is re-thrown by the next receive, by <see cref="CloseAsync"/> and by disposal.
/// </summary>
public sealed class AsgiWebSocketSession : IAsyncDisposable
{
    private readonly WebSocketExchange _exchange;
    private readonly TimeSpan _timeout;
    private WebSocketClose? _appClose;
    private bool _clientClosed;

    internal AsgiWebSocketSession(WebSocketExchange exchange, WebSocketAccept accept, TimeSpan timeout)
    {
        _exchange = exchange;
        _timeout = timeout;
        Subprotocol = accept.Subprotocol;
        AcceptHeaders = accept.Headers;
    }

    /// <summary>The scope the application runs with.</summary>
    public WebSocketScope Scope => _exchange.Scope;

    /// <summary>The subprotocol the application accepted, or <see langword="null"/>.</summary>
    public string? Subprotocol { get; }

    /// <summary>The extra headers the application sent with <c>websocket.accept</c>.</summary>
    public IReadOnlyList<AsgiHeader> AcceptHeaders { get; }

    /// <summary>The close the application sent, once received; <see langword="null"/> before.</summary>
    public WebSocketClose? CloseMessage => _appClose;

    /// <summary>Sends a text message; the application's next <c>receive</c> yields it.</summary>
    /// <param name="text">The text.</param>
    /// <returns>A task that completes when the message is queued for the application.</returns>
    /// <exception cref="InvalidOperationException">The connection is closed.</exception>
    public Task SendTextAsync(string text) => Deliver(WebSocketReceive.FromText(text ?? throw new ArgumentNullException(nameof(text))));

    /// <summary>Sends a binary message.</summary>
    /// <param name="bytes">The bytes (copied).</param>
    /// <returns>A task that completes when the message is queued for the application.</returns>
    /// <exception cref="InvalidOperationException">The connection is closed.</exception>
    public Task SendBytesAsync(ReadOnlyMemory<byte> bytes) => Deliver(WebSocketReceive.FromBytes(bytes.ToArray()));

    /// <summary>Sends a value as a JSON text message (web defaults: camelCase).</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="options">Serializer options; web defaults when <see langword="null"/>.</param>
    /// <returns>A task that completes when the message is queued for the application.</returns>
    public Task SendJsonAsync<T>(T value, JsonSerializerOptions? options = null) => SendTextAsync(JsonSerializer.Serialize(value, options ?? JsonSerializerOptions.Web));

    /// <summary>Receives the next message the application sent: a <see cref="WebSocketSend"/> or its <see cref="WebSocketClose"/>.</summary>
    /// <param name="timeout">How long to wait; <see cref="AsgiTestClientOptions.Timeout"/> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The message.</returns>
    /// <exception cref="TimeoutException">Nothing arrived in time.</exception>
    /// <exception cref="AsgiWebSocketClosedException">The application had already closed the connection.</exception>
    public async Task<AsgiMessage> ReceiveAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var reader = _exchange.Outgoing;
        var wait = timeout ?? _timeout;
        bool available;
        try
        {
            available = await reader.WaitToReadAsync(cancellationToken).AsTask().WaitAsync(wait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The application sent nothing within {wait}.");
        }

        if (!available || !reader.TryRead(out var message))
        {
            ThrowIfFailed();
            throw _appClose is { } close
                ? new AsgiWebSocketClosedException(close.Code, close.Reason)
                : new AsgiWebSocketClosedException("The WebSocket is closed; the application will send nothing more.");
        }

        if (message is WebSocketClose appClose)
        {
            _appClose = appClose;
            await _exchange.AppCompletion.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
            ThrowIfFailed();
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
    /// Closes from the client side: the application receives <c>websocket.disconnect</c> with the code and reason;
    /// then waits for the application to return and re-throws what it raised.
    /// </summary>
    /// <param name="code">The close code (default 1000).</param>
    /// <param name="reason">The reason (default empty).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the application has returned.</returns>
    public async Task CloseAsync(int code = 1000, string? reason = null, CancellationToken cancellationToken = default)
    {
        if (!_clientClosed)
        {
            _clientClosed = true;
            _exchange.CloseFromClient(code, reason ?? string.Empty);
        }

        try
        {
            await _exchange.AppCompletion.WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The application did not return within {_timeout} after the client closed the WebSocket.");
        }

        ThrowIfFailed();
    }

    /// <summary>Closes the connection if it is still open (code 1000) and waits for the application.</summary>
    /// <returns>A task that completes when the application has returned.</returns>
    public async ValueTask DisposeAsync() => await CloseAsync().ConfigureAwait(false);

    private static string Describe(AsgiMessage message) => message switch
    {
        WebSocketSend { Text: { } text } => $"a text message '{text}'",
        WebSocketSend { Bytes: { } bytes } => $"a binary message of {bytes.Length} bytes",
        _ => message.Type,
    };

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

    private Task Deliver(WebSocketReceive message)
    {
        if (_clientClosed)
        {
            throw new InvalidOperationException("The test already closed this WebSocket.");
        }

        if (!_exchange.Deliver(message))
        {
            ThrowIfFailed();
            throw new InvalidOperationException(_appClose is { } close
                ? $"The application closed the WebSocket with code {close.Code}; nothing more can be sent."
                : "The application closed the WebSocket (or returned); nothing more can be sent.");
        }

        return Task.CompletedTask;
    }

    private void ThrowIfFailed()
    {
        if (_exchange.Failure is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }
}
