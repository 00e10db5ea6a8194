using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AsgiBridge.Messages;

namespace AsgiBridge.Toolkit;

/// <summary>The state of an <see cref="AsgiWebSocket"/>.</summary>
public enum AsgiWebSocketState
{
    /// <summary>Not accepted yet.</summary>
    Connecting,

    /// <summary>Accepted and open.</summary>
    Connected,

    /// <summary>Closed by either side.</summary>
    Closed,
}

/// <summary>
/// A session helper over a WebSocket connection: accept, receive and send text, bytes and JSON, iterate messages, close.
/// The client's disconnect surfaces as <see cref="AsgiWebSocketDisconnectedException"/> from the receive methods, or as
/// the end of iteration.
/// </summary>
public sealed class AsgiWebSocket
{
    private readonly AsgiReceive _receive;
    private readonly AsgiSend _send;
    private bool _connectReceived;
    private string _closeReason = string.Empty;

    /// <summary>Creates the session.</summary>
    /// <param name="scope">The WebSocket scope.</param>
    /// <param name="receive">The receive callable.</param>
    /// <param name="send">The send callable.</param>
    public AsgiWebSocket(WebSocketScope scope, AsgiReceive receive, AsgiSend send)
    {
        Scope = scope ?? throw new ArgumentNullException(nameof(scope));
        _receive = receive ?? throw new ArgumentNullException(nameof(receive));
        _send = send ?? throw new ArgumentNullException(nameof(send));
    }

    /// <summary>The scope.</summary>
    public WebSocketScope Scope { get; }

    /// <summary>The route parameters set by a router.</summary>
    public IReadOnlyDictionary<string, object?> PathParams => Scope.PathParams;

    /// <summary>The session state.</summary>
    public AsgiWebSocketState State { get; private set; }

    /// <summary>The close code once closed, else <see langword="null"/>.</summary>
    public int? CloseCode { get; private set; }

    /// <summary>The close reason once closed (empty when none was given), else <see langword="null"/>.</summary>
    public string? CloseReason => CloseCode is null ? null : _closeReason;

    /// <summary>Waits for <c>websocket.connect</c> and accepts the connection.</summary>
    /// <param name="subprotocol">The chosen subprotocol (one of <see cref="WebSocketScope.Subprotocols"/>), or <see langword="null"/>.</param>
    /// <param name="headers">Extra handshake response headers.</param>
    /// <returns>A task that completes when accepted.</returns>
    /// <exception cref="InvalidOperationException">The connection was already accepted or closed.</exception>
    public async Task AcceptAsync(string? subprotocol = null, IReadOnlyList<AsgiHeader>? headers = null)
    {
        if (State != AsgiWebSocketState.Connecting)
        {
            throw new InvalidOperationException($"The WebSocket cannot be accepted: it is {State}.");
        }

        await ReceiveConnectAsync().ConfigureAwait(false);
        await _send(new WebSocketAccept(subprotocol, headers)).ConfigureAwait(false);
        State = AsgiWebSocketState.Connected;
    }

    /// <summary>Closes the connection (before accept this denies it; the server answers 403).</summary>
    /// <param name="code">The close code (default 1000).</param>
    /// <param name="reason">The reason.</param>
    /// <returns>A task that completes when the close was sent.</returns>
    public async Task CloseAsync(int code = 1000, string? reason = null)
    {
        if (State == AsgiWebSocketState.Closed)
        {
            return;
        }

        if (State == AsgiWebSocketState.Connecting)
        {
            await ReceiveConnectAsync().ConfigureAwait(false);
        }

        State = AsgiWebSocketState.Closed;
        CloseCode = code;
        _closeReason = reason ?? string.Empty;
        await _send(new WebSocketClose(code, reason)).ConfigureAwait(false);
    }

    /// <summary>Receives the next message.</summary>
    /// <returns>The message: exactly one of text and bytes is set.</returns>
    /// <exception cref="AsgiWebSocketDisconnectedException">The connection closed.</exception>
    public async Task<WebSocketReceive> ReceiveAsync()
    {
        if (State == AsgiWebSocketState.Connecting)
        {
            throw new InvalidOperationException("Accept the WebSocket before receiving messages.");
        }

        if (State == AsgiWebSocketState.Closed)
        {
            throw new AsgiWebSocketDisconnectedException(CloseCode ?? 1000, _closeReason);
        }

        var message = await _receive().ConfigureAwait(false);
        switch (message)
        {
            case WebSocketReceive data:
                return data;
            case WebSocketDisconnect disconnect:
                State = AsgiWebSocketState.Closed;
                CloseCode = disconnect.Code;
                _closeReason = disconnect.Reason;
                throw new AsgiWebSocketDisconnectedException(disconnect.Code, disconnect.Reason);
            default:
                throw new AsgiProtocolException(message.Type, null, "unexpected message on an open WebSocket.");
        }
    }

    /// <summary>Receives a text message.</summary>
    /// <returns>The text.</returns>
    /// <exception cref="InvalidDataException">A binary message arrived.</exception>
    public async Task<string> ReceiveTextAsync()
    {
        var message = await ReceiveAsync().ConfigureAwait(false);
        return message.Text ?? throw new InvalidDataException("Expected a text message, got a binary one.");
    }

    /// <summary>Receives a binary message.</summary>
    /// <returns>The bytes.</returns>
    /// <exception cref="InvalidDataException">A text message arrived.</exception>
    public async Task<ReadOnlyMemory<byte>> ReceiveBytesAsync()
    {
        var message = await ReceiveAsync().ConfigureAwait(false);
        return message.Bytes ?? throw new InvalidDataException("Expected a binary message, got a text one.");
    }

    /// <summary>Receives a message (text or bytes) and deserializes it as JSON with source-generated metadata.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <param name="typeInfo">The JSON metadata.</param>
    /// <returns>The value.</returns>
    public async Task<T?> ReceiveJsonAsync<T>(JsonTypeInfo<T> typeInfo)
    {
        var message = await ReceiveAsync().ConfigureAwait(false);
        return message.Text is { } text ? JsonSerializer.Deserialize(text, typeInfo) : JsonSerializer.Deserialize(message.Bytes!.Value.Span, typeInfo);
    }

    /// <summary>Receives a message (text or bytes) and deserializes it as JSON with reflection-based metadata.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <param name="options">Serializer options; default web defaults.</param>
    /// <returns>The value.</returns>
    [RequiresUnreferencedCode("Reflection-based JSON; use the JsonTypeInfo overload for trimmed or AOT apps.")]
    [RequiresDynamicCode("Reflection-based JSON; use the JsonTypeInfo overload for trimmed or AOT apps.")]
    public async Task<T?> ReceiveJsonAsync<T>(JsonSerializerOptions? options = null)
    {
        var message = await ReceiveAsync().ConfigureAwait(false);
        options ??= JsonSerializerOptions.Web;
        return message.Text is { } text ? JsonSerializer.Deserialize<T>(text, options) : JsonSerializer.Deserialize<T>(message.Bytes!.Value.Span, options);
    }

    /// <summary>Iterates the messages until the connection closes (the close ends the iteration instead of throwing).</summary>
    /// <param name="cancellationToken">Stops the iteration.</param>
    /// <returns>The messages.</returns>
    public async IAsyncEnumerable<WebSocketReceive> ReadMessagesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            WebSocketReceive message;
            try
            {
                message = await ReceiveAsync().ConfigureAwait(false);
            }
            catch (AsgiWebSocketDisconnectedException)
            {
                yield break;
            }

            yield return message;
        }
    }

    /// <summary>Iterates the text messages until the connection closes (binary messages are decoded as UTF-8).</summary>
    /// <param name="cancellationToken">Stops the iteration.</param>
    /// <returns>The texts.</returns>
    public async IAsyncEnumerable<string> ReadTextMessagesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var message in ReadMessagesAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return message.Text ?? Encoding.UTF8.GetString(message.Bytes!.Value.Span);
        }
    }

    /// <summary>Sends a text message.</summary>
    /// <param name="text">The text.</param>
    /// <returns>A task that completes when sent.</returns>
    /// <exception cref="InvalidOperationException">The connection is not accepted yet, or already closed.</exception>
    public Task SendTextAsync(string text)
    {
        ThrowIfNotConnected();
        return _send(WebSocketSend.FromText(text)).AsTask();
    }

    /// <summary>Sends a binary message.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>A task that completes when sent.</returns>
    /// <exception cref="InvalidOperationException">The connection is not accepted yet, or already closed.</exception>
    public Task SendBytesAsync(ReadOnlyMemory<byte> bytes)
    {
        ThrowIfNotConnected();
        return _send(WebSocketSend.FromBytes(bytes)).AsTask();
    }

    /// <summary>Sends a value as a JSON text message with source-generated metadata.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="typeInfo">The JSON metadata.</param>
    /// <returns>A task that completes when sent.</returns>
    public Task SendJsonAsync<T>(T value, JsonTypeInfo<T> typeInfo) => SendTextAsync(JsonSerializer.Serialize(value, typeInfo));

    /// <summary>Sends a value as a JSON text message with reflection-based metadata.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="options">Serializer options; default web defaults, text as UTF-8 without HTML escaping (as starlette).</param>
    /// <returns>A task that completes when sent.</returns>
    [RequiresUnreferencedCode("Reflection-based JSON; use the JsonTypeInfo overload for trimmed or AOT apps.")]
    [RequiresDynamicCode("Reflection-based JSON; use the JsonTypeInfo overload for trimmed or AOT apps.")]
    public Task SendJsonAsync<T>(T value, JsonSerializerOptions? options = null) => SendTextAsync(JsonSerializer.Serialize(value, options ?? ToolkitJson.Options));

    private void ThrowIfNotConnected()
    {
        if (State != AsgiWebSocketState.Connected)
        {
            throw new InvalidOperationException(State == AsgiWebSocketState.Connecting
                ? "Accept the WebSocket before sending messages."
                : "The WebSocket is closed; nothing more can be sent.");
        }
    }

    private async Task ReceiveConnectAsync()
    {
        if (_connectReceived)
        {
            return;
        }

        var message = await _receive().ConfigureAwait(false);
        if (message is not WebSocketConnect)
        {
            throw new AsgiProtocolException(message.Type, null, "expected 'websocket.connect' as the first message of a WebSocket connection.");
        }

        _connectReceived = true;
    }
}
