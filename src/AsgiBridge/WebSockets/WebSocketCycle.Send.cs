using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using AsgiBridge.Diagnostics;
using AsgiBridge.Messages;
using Microsoft.AspNetCore.Http;

namespace AsgiBridge.WebSockets;

/// <summary>The <c>send</c> half: accept or deny the handshake, then data frames and the close.</summary>
internal sealed partial class WebSocketCycle
{
    private ValueTask SendCore(AsgiMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is WebSocketSend data)
        {
            try
            {
                ValidateData(data);
            }
            catch (AsgiProtocolException ex)
            {
                throw Violation(ex);
            }
        }

        if (Interlocked.Exchange(ref _appSending, 1) == 1)
        {
            throw Violation(new AsgiProtocolException(message.Type, null, "send() was called while another send() of the same WebSocket was still running; await each send before the next."));
        }

        return SendMessageAsync(message);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendMessageAsync(AsgiMessage message)
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
            Volatile.Write(ref _appSending, 0);
        }
    }

    private static void ValidateData(WebSocketSend data)
    {
        if (data.Bytes is null == data.Text is null)
        {
            throw new AsgiProtocolException(AsgiMessageTypes.WebSocketSend, data.Text is null ? "bytes" : "text",
                "exactly one of 'bytes' and 'text' must be set (not " + (data.Text is null ? "neither" : "both") + ").");
        }
    }

    private ValueTask AnswerHandshakeAsync(AsgiMessage message) => message switch
    {
        WebSocketAccept accept => AcceptAsync(accept),
        WebSocketClose => DenyForbiddenAsync(),
        WebSocketHttpResponseStart start => StartDenial(start),
        _ => throw new AsgiProtocolException(message.Type, null, "the handshake is not answered yet; send websocket.accept, websocket.close or websocket.http.response.start first."),
    };

    private async ValueTask AcceptAsync(WebSocketAccept accept)
    {
        var headers = accept.Headers;
        AsgiHeaderRules.Validate(headers, AsgiMessageTypes.WebSocketAccept);
        for (var i = 0; i < headers.Count; i++)
        {
            if (string.Equals(headers[i].Name, "sec-websocket-protocol", StringComparison.Ordinal))
            {
                throw new AsgiProtocolException(AsgiMessageTypes.WebSocketAccept, "headers",
                    "'sec-websocket-protocol' must not be sent as a header; use the 'subprotocol' field.");
            }
        }

        var subprotocol = accept.Subprotocol;
        if (subprotocol is not null && !_scope.Subprotocols.Contains(subprotocol, StringComparer.Ordinal))
        {
            throw new AsgiProtocolException(AsgiMessageTypes.WebSocketAccept, "subprotocol",
                $"'{subprotocol}' is not one of the subprotocols the client offered.");
        }

        var responseHeaders = _context.Response.Headers;
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
            _socket = await _context.WebSockets.AcceptWebSocketAsync(acceptContext).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            SetDisconnect(WebSocketCloseCodes.AbnormalClosure);
            _state = CycleState.Denied;
            throw new AsgiClientDisconnectedException("The client disconnected during the WebSocket handshake.", ex);
        }

        _state = CycleState.Accepted;
        AsgiLog.WebSocketHandshakeAccepted(_logger, LogPath, subprotocol);
    }

    private async ValueTask DenyForbiddenAsync()
    {
        _state = CycleState.Denied;
        AsgiLog.WebSocketDenied(_logger, LogPath, StatusCodes.Status403Forbidden);
        var response = _context.Response;
        response.StatusCode = StatusCodes.Status403Forbidden;
        response.ContentLength = 0;
        await CompleteDenialAsync(response).ConfigureAwait(false);
    }

    private ValueTask StartDenial(WebSocketHttpResponseStart start)
    {
        if (start.Status is < 100 or > 999)
        {
            throw new AsgiProtocolException(AsgiMessageTypes.WebSocketHttpResponseStart, "status", $"{start.Status} is not an HTTP status code.");
        }

        AsgiHeaderRules.Validate(start.Headers, AsgiMessageTypes.WebSocketHttpResponseStart);
        var response = _context.Response;
        response.StatusCode = start.Status;
        for (var i = 0; i < start.Headers.Count; i++)
        {
            response.Headers.Append(start.Headers[i].Name, start.Headers[i].Value);
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

        var response = _context.Response;
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
        if (!response.HasStarted && !HttpProtocol.IsHttp2(_context.Request.Protocol) && !HttpProtocol.IsHttp3(_context.Request.Protocol))
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
        await _sendLock.WaitAsync().ConfigureAwait(false);
        byte[]? rented = null;
        try
        {
            if (Disconnect is not null || _state != CycleState.Accepted)
            {
                throw new AsgiClientDisconnectedException("The WebSocket connection is closed.");
            }

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

            _sendLock.Release();
        }
    }

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

        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_socket!.State is WebSocketState.Open or WebSocketState.CloseReceived && Disconnect is null)
            {
                _state = CycleState.ClosedByApp;
                _appCloseCode = close.Code;
                await _socket.CloseOutputAsync((WebSocketCloseStatus)close.Code, close.Reason, _aborted).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            SetDisconnect(WebSocketCloseCodes.AbnormalClosure);
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
