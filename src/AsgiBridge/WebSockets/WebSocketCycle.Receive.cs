using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using AsgiBridge.Diagnostics;
using AsgiBridge.Messages;

namespace AsgiBridge.WebSockets;

/// <summary>Steps 2 and 4, the <c>receive</c> half: <c>websocket.connect</c>, then one <c>websocket.receive</c> per complete message, then <c>websocket.disconnect</c> forever.</summary>
internal sealed partial class WebSocketCycle
{
    /// <inheritdoc />
    protected override ValueTask<AsgiMessage> ReceiveCurrent()
    {
        if (Interlocked.Exchange(ref _connectDelivered, 1) == 0)
        {
            return new ValueTask<AsgiMessage>(WebSocketConnect.Instance);
        }

        while (true)
        {
            if (Disconnect is { } disconnect)
            {
                return new ValueTask<AsgiMessage>(disconnect);
            }

            switch (_state)
            {
                case CycleState.Handshake:
                    if (_aborted.IsCancellationRequested)
                    {
                        // The client left before the application answered (uvicorn reports it the same way).
                        return new ValueTask<AsgiMessage>(SetDisconnect(WebSocketCloseCodes.AbnormalClosure));
                    }

                    return ValueTask.FromException<AsgiMessage>(Violation(new AsgiProtocolException(AsgiMessageTypes.WebSocketConnect, null,
                        "receive() was called before the application answered websocket.connect; send websocket.accept or websocket.close first.")));
                case CycleState.Denying or CycleState.Denied:
                    return new ValueTask<AsgiMessage>(SetDisconnect(WebSocketCloseCodes.AbnormalClosure));
            }

            if (_receives.TryBegin())
            {
                return ReceiveMessageAsync();
            }

            // Another receive is pending (one raced against a timeout and abandoned, typically): share its event.
            if (_receives.Join() is { } joined)
            {
                return new ValueTask<AsgiMessage>(joined);
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<AsgiMessage> ReceiveMessageAsync()
    {
        AsgiMessage? message = null;
        try
        {
            while (message is null)
            {
                message = await ReadMessageAsync().ConfigureAwait(false);
            }

            return message;
        }
        catch (Exception ex)
        {
            _receives.End(null, ex);
            throw;
        }
        finally
        {
            if (message is not null)
            {
                _receives.End(message);
            }
        }
    }

    /// <summary>Reads one complete message, or the close; <see langword="null"/> for data that arrived after the close was sent.</summary>
    private async ValueTask<AsgiMessage?> ReadMessageAsync()
    {
        var socket = _socket!;
        var buffer = new PooledMessageBuffer(_maxMessageSize == int.MaxValue ? int.MaxValue : _maxMessageSize + 1);
        var type = WebSocketMessageType.Close;
        try
        {
            // Idle connections wait with an empty buffer: nothing is rented until a frame arrives.
            var result = await socket.ReceiveAsync(Memory<byte>.Empty, _aborted).ConfigureAwait(false);
            type = result.MessageType;
            var end = result.EndOfMessage;
            while (type != WebSocketMessageType.Close && !end)
            {
                if (!buffer.TryGetFree(out var free))
                {
                    return await FailMessageAsync(WebSocketCloseStatus.MessageTooBig).ConfigureAwait(false);
                }

                result = await socket.ReceiveAsync(free, _aborted).ConfigureAwait(false);
                type = result.MessageType;
                buffer.Advance(result.Count);
                if (buffer.Count > _maxMessageSize)
                {
                    return await FailMessageAsync(WebSocketCloseStatus.MessageTooBig).ConfigureAwait(false);
                }

                end = result.EndOfMessage;
            }

            if (type == WebSocketMessageType.Close)
            {
                return await OnCloseReceivedAsync(socket).ConfigureAwait(false);
            }

            if (_state == CycleState.Closing)
            {
                return null;
            }

            if (type == WebSocketMessageType.Binary)
            {
                return WebSocketReceive.FromBytes(buffer.ToArray());
            }

            string text;
            try
            {
                text = s_strictUtf8.GetString(buffer.WrittenSpan);
            }
            catch (DecoderFallbackException)
            {
                return await FailMessageAsync(WebSocketCloseStatus.InvalidPayloadData).ConfigureAwait(false);
            }

            return WebSocketReceive.FromText(text);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            var disconnect = SetDisconnect(FailureCode(ex, type));
            AsgiLog.WebSocketReceiveFailed(_logger, LogPath, disconnect.Code, ex);
            return disconnect;
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>
    /// The code to report when a read fails. System.Net.WebSockets validates frames and text itself: on a violation it
    /// sends a close frame (1002, 1007, …) and throws <see cref="WebSocketError.Faulted"/>; the code it put on the wire is
    /// read from the observed frames, so the application is told what the client was told. Everything else is a drop (1006).
    /// </summary>
    private int FailureCode(Exception exception, WebSocketMessageType type)
    {
        if (Frames?.Server.CloseCode is { } sent)
        {
            return sent;
        }

        // Without the observed frames (EnableWebSockets off and the application's own UseWebSockets): the best guess.
        return exception is WebSocketException { WebSocketErrorCode: WebSocketError.Faulted, InnerException: null }
            ? type == WebSocketMessageType.Text ? WebSocketCloseCodes.InvalidPayloadData : WebSocketCloseCodes.ProtocolError
            : WebSocketCloseCodes.AbnormalClosure;
    }

    /// <summary>The client sent its close frame: report its code (1005 when it had none) and answer it.</summary>
    private async ValueTask<AsgiMessage> OnCloseReceivedAsync(WebSocket socket)
    {
        var status = socket.CloseStatus;
        if (status == WebSocketCloseStatus.NormalClosure && Frames is { Client.EmptyCloseSeen: true })
        {
            // System.Net.WebSockets reports a close frame without a code as 1000; the spec wants 1005 for it.
            status = WebSocketCloseStatus.Empty;
        }

        var disconnect = SetDisconnect(status is { } code and not WebSocketCloseStatus.Empty ? (int)code : WebSocketCloseCodes.NoStatusReceived, socket.CloseStatusDescription);
        AsgiLog.WebSocketClientDisconnected(_logger, LogPath, disconnect.Code);

        // Echo the close now unless a send is being written; then the finish echoes it.
        if (socket.State == WebSocketState.CloseReceived && _sends.TryEnter())
        {
            try
            {
                await socket.CloseOutputAsync(EchoStatus(status), null, _aborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransportFailure(ex))
            {
                // The client left right after its close frame; nothing else to do.
            }
            finally
            {
                _sends.Exit();
            }
        }

        return disconnect;
    }

    /// <summary>
    /// The code to echo for a client's close: its own, or 1000 when it sent none (1005 reports "no code" to the
    /// application and must never appear in a frame; the socket would put it on the wire if asked to echo Empty).
    /// </summary>
    /// <param name="status">The client's close status.</param>
    /// <returns>The status to send back.</returns>
    internal static WebSocketCloseStatus EchoStatus(WebSocketCloseStatus? status) =>
        status is null or WebSocketCloseStatus.Empty ? WebSocketCloseStatus.NormalClosure : status.Value;

    /// <summary>Closes the connection because of a message the bridge cannot deliver (1007 or 1009).</summary>
    private async ValueTask<AsgiMessage> FailMessageAsync(WebSocketCloseStatus status)
    {
        if (status == WebSocketCloseStatus.MessageTooBig)
        {
            AsgiLog.WebSocketMessageTooBig(_logger, LogPath, _maxMessageSize);
        }
        else
        {
            AsgiLog.WebSocketInvalidUtf8(_logger, LogPath);
        }

        var disconnect = SetDisconnect((int)status);
        await EnterForBridgeAsync().ConfigureAwait(false);
        try
        {
            if (_socket!.State == WebSocketState.Open)
            {
                await _socket.CloseOutputAsync(status, null, _aborted).ConfigureAwait(false);
            }
        }
        finally
        {
            _sends.Exit();
        }

        return disconnect;
    }
}
