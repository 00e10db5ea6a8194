using System.Net.WebSockets;
using System.Text;
using AsgiBridge.Diagnostics;
using AsgiBridge.Hosting;
using Microsoft.AspNetCore.Http;

namespace AsgiBridge.WebSockets;

/// <summary>
/// Step 6: what happens when the application returns or raises. Before accept: HTTP 500 (as uvicorn and hypercorn do).
/// After accept: an exception closes with 1011; a plain return closes with 1000 — the application ending is a normal end
/// of the session (ASGI: "if the application dies the socket should be closed"), and keeping 1011 for failures lets
/// clients tell a crash from a finished conversation. A client's close is echoed; the bridge then waits up to
/// <see cref="Hosting.AsgiOptions.WebSocketCloseTimeout"/> for the closing handshake and aborts after that.
/// </summary>
internal sealed partial class WebSocketCycle
{
    /// <summary>Turns the application's outcome into a well-formed end of the connection, and records it.</summary>
    /// <param name="exception">What the application raised, or <see langword="null"/> when it returned.</param>
    /// <returns>A task that completes when the connection has been closed or aborted.</returns>
    public async Task FinishAsync(Exception? exception)
    {
        EndApplication();
        if (_sends.WaitingCount != 0)
        {
            _sends.Fail(new AsgiClientDisconnectedException("The ASGI application returned before this send ran; its connection is closed."));
        }

        // A send the application left running finishes before the bridge's last word.
        await EnterForBridgeAsync().ConfigureAwait(false);
        var clientLeft = exception is not null && IsDisconnect(exception);
        var state = _state;
        var failed = exception is not null && !clientLeft;
        try
        {
            switch (state)
            {
                case CycleState.Handshake:
                    clientLeft |= _aborted.IsCancellationRequested;
                    await FinishUnansweredAsync(exception, clientLeft).ConfigureAwait(false);
                    break;
                case CycleState.Denying:
                case CycleState.Denied:
                    await FinishDenialAsync(exception, clientLeft).ConfigureAwait(false);
                    break;
                default:
                    await FinishOpenAsync(exception, clientLeft).ConfigureAwait(false);
                    break;
            }
        }
        finally
        {
            Context.Features.Set(Outcome(state, exception, clientLeft, failed));
            _sends.Exit();
        }
    }

    private AsgiConnectionOutcome Outcome(CycleState state, Exception? exception, bool clientLeft, bool failed)
    {
        var violation = Volatile.Read(ref _violation);
        switch (state)
        {
            case CycleState.Handshake:
                return clientLeft
                    ? new AsgiConnectionOutcome(AsgiConnectionEnd.ClientDisconnected, exception, violation)
                    : new AsgiConnectionOutcome(exception is null && violation is null ? AsgiConnectionEnd.IncompleteResponse : AsgiConnectionEnd.ApplicationError,
                        exception, violation, errorStatusCode: StatusCodes.Status500InternalServerError);
            case CycleState.Denying:
            case CycleState.Denied:
                return new AsgiConnectionOutcome(failed || violation is not null ? AsgiConnectionEnd.ApplicationError : AsgiConnectionEnd.Completed,
                    exception, violation, responseTruncated: failed && state == CycleState.Denying);
            default:
                var end = clientLeft ? AsgiConnectionEnd.ClientDisconnected
                    : failed || violation is not null ? AsgiConnectionEnd.ApplicationError : AsgiConnectionEnd.Completed;
                var code = Volatile.Read(ref _closeCode);
                return new AsgiConnectionOutcome(end, exception, violation, webSocketCloseCode: code == 0 ? null : code);
        }
    }

    private async Task FinishUnansweredAsync(Exception? exception, bool clientLeft)
    {
        if (clientLeft)
        {
            AsgiLog.WebSocketClientDisconnected(_logger, LogPath, WebSocketCloseCodes.AbnormalClosure);
            return;
        }

        if (exception is null)
        {
            AsgiLog.WebSocketReturnedWithoutAnswer(_logger, LogPath);
        }
        else
        {
            AsgiLog.WebSocketAppExceptionBeforeAccept(_logger, LogPath, exception);
        }

        var response = Context.Response;
        if (response.HasStarted)
        {
            Context.Abort();
            return;
        }

        response.Clear();
        response.StatusCode = StatusCodes.Status500InternalServerError;
        response.ContentType = "text/plain; charset=utf-8";
        var body = Encoding.UTF8.GetBytes(_options.InternalServerErrorBody);
        response.ContentLength = body.Length;
        try
        {
            await response.Body.WriteAsync(body, _aborted).ConfigureAwait(false);
            await response.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            AsgiLog.WebSocketClientDisconnected(_logger, LogPath, WebSocketCloseCodes.AbnormalClosure);
        }
    }

    private async Task FinishDenialAsync(Exception? exception, bool clientLeft)
    {
        if (exception is not null && !clientLeft)
        {
            AsgiLog.WebSocketAppExceptionAfterEnd(_logger, LogPath, exception);
        }

        if (_state == CycleState.Denied)
        {
            return;
        }

        // A denial response left unfinished: cut it off when the application failed, otherwise end it here.
        if (exception is not null)
        {
            Context.Abort();
            return;
        }

        _state = CycleState.Denied;
        await CompleteDenialAsync(Context.Response).ConfigureAwait(false);
    }

    private async Task FinishOpenAsync(Exception? exception, bool clientLeft)
    {
        var socket = _socket!;
        var status = WebSocketCloseStatus.NormalClosure;
        if (exception is not null && !clientLeft)
        {
            if (Disconnect is null && _state == CycleState.Accepted)
            {
                AsgiLog.WebSocketAppExceptionAfterAccept(_logger, LogPath, exception);
                status = WebSocketCloseStatus.InternalServerError;
            }
            else
            {
                AsgiLog.WebSocketAppExceptionAfterEnd(_logger, LogPath, exception);
            }
        }
        else if (exception is null && Disconnect is null && _state == CycleState.Accepted)
        {
            AsgiLog.WebSocketReturnedWithoutClosing(_logger, LogPath);
        }

        using var timeout = new CancellationTokenSource(_options.WebSocketCloseTimeout);
        try
        {
            switch (socket.State)
            {
                case WebSocketState.Open or WebSocketState.CloseSent:
                    // Sends our close if not sent yet, then drains (with a small pooled buffer) until the client's close.
                    RecordCloseCode((int)status);
                    await socket.CloseAsync(status, null, timeout.Token).ConfigureAwait(false);
                    break;
                case WebSocketState.CloseReceived:
                    await socket.CloseOutputAsync(EchoStatus(socket.CloseStatus), null, timeout.Token).ConfigureAwait(false);
                    break;
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            AsgiLog.WebSocketCloseTimeout(_logger, LogPath);
            socket.Abort();
        }
        catch (Exception ex) when (IsTransportFailure(ex) || ex is InvalidOperationException)
        {
            AsgiLog.WebSocketCloseFailed(_logger, LogPath, ex);
            socket.Abort();
        }
        finally
        {
            SetDisconnect(WebSocketCloseCodes.AbnormalClosure);
            socket.Dispose();
        }
    }
}
