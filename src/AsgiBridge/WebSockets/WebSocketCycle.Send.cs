using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using AsgiBridge.Diagnostics;
using AsgiBridge.Messages;
using AsgiBridge.Server;
using Microsoft.AspNetCore.Http;

namespace AsgiBridge.WebSockets;

/// <summary>Steps 3 and 4, the <c>send</c> half: accept or deny the handshake, then data frames and the close.</summary>
internal sealed partial class WebSocketCycle
{
    /// <inheritdoc />
    protected override ValueTask SendCurrent(AsgiMessage message)
    {
        if (message is WebSocketSend data && Invalid(data) is { } invalid)
        {
            return ValueTask.FromException(Violation(invalid));
        }

        if (!_sends.TryEnter())
        {
            return QueueSend(message);
        }

        return SendOwned(message);
    }

    /// <summary>Another send is being written: wait behind it, in call order; past the limit, close with 1008.</summary>
    private ValueTask QueueSend(AsgiMessage message)
    {
        var turn = _sends.TryQueue(SizeOf(message), _options.SendQueueLimit, _options.SendQueueByteLimit);
        if (turn is null)
        {
            AsgiLog.WebSocketSendQueueFull(_logger, LogPath, _options.SendQueueLimit);
            var closed = new AsgiClientDisconnectedException(
                $"More than {_options.SendQueueLimit} sends (or {_options.SendQueueByteLimit} bytes) were waiting for this WebSocket (AsgiOptions.SendQueueLimit): the client does not read, so the bridge closed the connection with 1008.");
            _sends.Fail(closed);
            _ = CloseByBridgeAsync(WebSocketCloseStatus.PolicyViolation, "send queue full");
            return ValueTask.FromException(closed);
        }

        return turn.IsCompletedSuccessfully ? SendOwned(message) : SendAfter(turn, message);
    }

    private async ValueTask SendAfter(Task turn, AsgiMessage message)
    {
        await turn.ConfigureAwait(false);
        await SendOwned(message).ConfigureAwait(false);
    }

    private static long SizeOf(AsgiMessage message) => message switch
    {
        WebSocketSend { Text: { } text } => text.Length,
        WebSocketSend { Bytes: { } bytes } => bytes.Length,
        _ => 0,
    };

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendOwned(AsgiMessage message)
    {
        try
        {
            switch (_state)
            {
                case CycleState.Handshake:
                    await AnswerHandshakeAsync(message).ConfigureAwait(false);
                    break;
                case CycleState.Accepted:
                    await SendOpenAsync(message).ConfigureAwait(false);
                    break;
                case CycleState.Denying:
                    await ContinueDenialAsync(message).ConfigureAwait(false);
                    break;
                default:
                    SendAfterEnd(message);
                    break;
            }
        }
        catch (AsgiProtocolException ex)
        {
            Violation(ex);
            throw;
        }
        finally
        {
            _sends.Exit();
        }
    }

    private static AsgiProtocolException? Invalid(WebSocketSend data) => data.Bytes is null == data.Text is null
        ? new AsgiProtocolException(AsgiMessageTypes.WebSocketSend, data.Text is null ? "bytes" : "text",
            "exactly one of 'bytes' and 'text' must be set (not " + (data.Text is null ? "neither" : "both") + ").")
        : null;

    private ValueTask AnswerHandshakeAsync(AsgiMessage message) => message switch
    {
        WebSocketAccept accept => AcceptAsync(accept),
        WebSocketClose => DenyForbiddenAsync(),
        WebSocketHttpResponseStart start => StartDenial(start),
        _ => throw new AsgiProtocolException(message.Type, null, "the handshake is not answered yet; send websocket.accept, websocket.close or websocket.http.response.start first."),
    };

    /// <summary>Step 3: completes the handshake.</summary>
    private async ValueTask AcceptAsync(WebSocketAccept accept)
    {
        var headers = AsgiHeaderRules.Normalize(accept.Headers, AsgiMessageTypes.WebSocketAccept, _options.RejectUppercaseResponseHeaderNames);
        for (var i = 0; i < headers.Count; i++)
        {
            if (string.Equals(headers[i].Name, "sec-websocket-protocol", StringComparison.Ordinal))
            {
                throw new AsgiProtocolException(AsgiMessageTypes.WebSocketAccept, "headers",
                    "'sec-websocket-protocol' must not be sent as a header; use the 'subprotocol' field.");
            }
        }

        var subprotocol = accept.Subprotocol;
        if (subprotocol is not null && !Scope.Subprotocols.Contains(subprotocol, StringComparer.Ordinal))
        {
            throw new AsgiProtocolException(AsgiMessageTypes.WebSocketAccept, "subprotocol",
                $"'{subprotocol}' is not one of the subprotocols the client offered.");
        }

        if (_aborted.IsCancellationRequested)
        {
            SetDisconnect(WebSocketCloseCodes.AbnormalClosure);
            _state = CycleState.Denied;
            throw new AsgiClientDisconnectedException("The client disconnected before the WebSocket handshake completed.");
        }

        var responseHeaders = Context.Response.Headers;
        for (var i = 0; i < headers.Count; i++)
        {
            responseHeaders.Append(headers[i].Name, headers[i].Value);
        }

        var acceptContext = new WebSocketAcceptContext
        {
            SubProtocol = subprotocol,
            DangerousEnableCompression = _options.EnableWebSocketCompression,
        };
        if (_options.WebSocketKeepAliveInterval is { } interval)
        {
            acceptContext.KeepAliveInterval = interval;
        }

        if (_options.WebSocketKeepAliveTimeout is { } timeout)
        {
            acceptContext.KeepAliveTimeout = timeout;
        }

        try
        {
            _socket = await Context.WebSockets.AcceptWebSocketAsync(acceptContext).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            SetDisconnect(WebSocketCloseCodes.AbnormalClosure);
            _state = CycleState.Denied;
            throw new AsgiClientDisconnectedException("The client disconnected during the WebSocket handshake.", ex);
        }

        _state = CycleState.Accepted;
        AsgiLog.WebSocketHandshakeAccepted(_logger, LogPath, subprotocol);
        if (_shutdownRequested)
        {
            // The server began stopping while the handshake was held: the session ends at once.
            _ = CloseByBridgeAsync((WebSocketCloseStatus)_options.ShutdownWebSocketCloseCode, null);
        }
    }

    private async ValueTask DenyForbiddenAsync()
    {
        _state = CycleState.Denied;
        AsgiLog.WebSocketDenied(_logger, LogPath, StatusCodes.Status403Forbidden);
        var response = Context.Response;
        response.StatusCode = StatusCodes.Status403Forbidden;
        response.ContentLength = 0;
        await CompleteDenialAsync(response).ConfigureAwait(false);
    }

    private ValueTask StartDenial(WebSocketHttpResponseStart start)
    {
        if (!HttpResponseStateMachine.IsFinalStatus(start.Status))
        {
            throw HttpResponseStateMachine.InvalidStatus(AsgiMessageTypes.WebSocketHttpResponseStart, start.Status);
        }

        var headers = AsgiHeaderRules.Normalize(start.Headers, AsgiMessageTypes.WebSocketHttpResponseStart, _options.RejectUppercaseResponseHeaderNames);
        var response = Context.Response;
        response.StatusCode = start.Status;
        for (var i = 0; i < headers.Count; i++)
        {
            response.Headers.Append(headers[i].Name, headers[i].Value);
        }

        _state = CycleState.Denying;
        AsgiLog.WebSocketDenied(_logger, LogPath, start.Status);
        return ValueTask.CompletedTask;
    }

    private async ValueTask ContinueDenialAsync(AsgiMessage message)
    {
        if (message is not WebSocketHttpResponseBody body)
        {
            throw new AsgiProtocolException(message.Type, null, "only websocket.http.response.body may follow websocket.http.response.start.");
        }

        var response = Context.Response;
        try
        {
            CloseConnectionAfterDenial(response);
            if (!body.Body.IsEmpty)
            {
                await response.Body.WriteAsync(body.Body, _aborted).ConfigureAwait(false);
            }

            if (!body.MoreBody)
            {
                _state = CycleState.Denied;
                await CompleteDenialAsync(response).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            SetDisconnect(WebSocketCloseCodes.AbnormalClosure);
            _state = CycleState.Denied;
            throw new AsgiClientDisconnectedException("The client disconnected during the denial response.", ex);
        }
    }

    private async ValueTask CompleteDenialAsync(HttpResponse response)
    {
        SetDisconnect(WebSocketCloseCodes.AbnormalClosure);
        CloseConnectionAfterDenial(response);
        try
        {
            await response.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            // The client is gone; the denial is complete either way.
        }
    }

    /// <summary>A denied WebSocket request ends its HTTP/1.x connection (ASGI: send the response, then close).</summary>
    private void CloseConnectionAfterDenial(HttpResponse response)
    {
        if (!response.HasStarted && !HttpProtocol.IsHttp2(Context.Request.Protocol) && !HttpProtocol.IsHttp3(Context.Request.Protocol))
        {
            response.Headers.Connection = "close";
        }
    }

    private ValueTask SendOpenAsync(AsgiMessage message) => message switch
    {
        WebSocketSend data => SendDataAsync(data),
        WebSocketClose close => CloseByAppAsync(close),
        _ => throw new AsgiProtocolException(message.Type, null, "the WebSocket is open; only websocket.send and websocket.close are allowed."),
    };

    private static void SendAfterEnd(AsgiMessage message)
    {
        switch (message)
        {
            case WebSocketClose:
                return; // Closing twice, or after the client left, changes nothing.
            case WebSocketSend:
                throw new AsgiClientDisconnectedException("The WebSocket connection is closed.");
            default:
                throw new AsgiProtocolException(message.Type, null, "the WebSocket connection has ended; no further messages are allowed.");
        }
    }

    private async ValueTask SendDataAsync(WebSocketSend data)
    {
        if (Disconnect is not null)
        {
            throw new AsgiClientDisconnectedException("The WebSocket connection is closed.");
        }

        byte[]? rented = null;
        try
        {
            if (data.Text is { } text)
            {
                rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(text));
                var length = Encoding.UTF8.GetBytes(text, rented);
                await _socket!.SendAsync(rented.AsMemory(0, length), WebSocketMessageType.Text, endOfMessage: true, _aborted).ConfigureAwait(false);
            }
            else
            {
                await _socket!.SendAsync(data.Bytes!.Value, WebSocketMessageType.Binary, endOfMessage: true, _aborted).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            SetDisconnect(WebSocketCloseCodes.AbnormalClosure);
            throw new AsgiClientDisconnectedException("The WebSocket client disconnected.", ex);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Step 5: the application's close, sent with its code and reason.</summary>
    private async ValueTask CloseByAppAsync(WebSocketClose close)
    {
        if (!WebSocketCloseCodes.IsSendable(close.Code))
        {
            throw new AsgiProtocolException(AsgiMessageTypes.WebSocketClose, "code", $"{close.Code} cannot be sent in a close frame (use 1000–4999, except 1004, 1005, 1006 and 1015).");
        }

        if (Encoding.UTF8.GetByteCount(close.Reason) > WebSocketCloseCodes.MaxReasonBytes)
        {
            throw new AsgiProtocolException(AsgiMessageTypes.WebSocketClose, "reason", $"the reason is longer than {WebSocketCloseCodes.MaxReasonBytes} UTF-8 bytes.");
        }

        try
        {
            if (_socket!.State is WebSocketState.Open or WebSocketState.CloseReceived && Disconnect is null)
            {
                _state = CycleState.Closing;
                RecordCloseCode(close.Code);
                await _socket.CloseOutputAsync((WebSocketCloseStatus)close.Code, close.Reason, _aborted).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            SetDisconnect(WebSocketCloseCodes.AbnormalClosure);
        }
    }

    /// <summary>
    /// Step 5: a close the bridge itself sends (server shutdown, a full send queue). The application receives
    /// <c>websocket.disconnect</c> with this code; a client that does not answer within the close timeout is cut off.
    /// </summary>
    private async Task CloseByBridgeAsync(WebSocketCloseStatus status, string? reason)
    {
        SetDisconnect((int)status, reason);
        await EnterForBridgeAsync().ConfigureAwait(false);
        try
        {
            if (_socket is { State: WebSocketState.Open or WebSocketState.CloseReceived } socket)
            {
                _state = CycleState.Closing;
                await socket.CloseOutputAsync(status, reason, _aborted).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            // Gone already.
        }
        finally
        {
            _sends.Exit();
        }

        try
        {
            await Task.Delay(_options.WebSocketCloseTimeout, _aborted).ConfigureAwait(false);
            if (_socket is { State: not (WebSocketState.Closed or WebSocketState.Aborted) } open)
            {
                AsgiLog.WebSocketCloseTimeout(_logger, LogPath);
                open.Abort();
            }
        }
        catch (OperationCanceledException)
        {
            // The connection ended before the timeout.
        }
    }

    /// <inheritdoc />
    public override void OnServerStopping()
    {
        _shutdownRequested = true;
        if (_state == CycleState.Accepted)
        {
            _ = CloseByBridgeAsync((WebSocketCloseStatus)_options.ShutdownWebSocketCloseCode, null);
        }
    }
}
