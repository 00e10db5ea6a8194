using System.Text;
using AsgiBridge.Diagnostics;
using AsgiBridge.Hosting;
using Microsoft.AspNetCore.Http;

namespace AsgiBridge.Server;

/// <summary>Step 6: what happens when the application returns or raises — 500 before the response started, cut off after.</summary>
internal sealed partial class HttpCycle
{
    /// <summary>How long a cut-off HTTP/2 or HTTP/3 stream waits before its reset, for Kestrel to write the DATA it accepted.</summary>
    private static readonly TimeSpan MultiplexedResetGrace = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Turns the application's outcome into a well-formed end of the response and records it as the request's
    /// <see cref="AsgiConnectionOutcome"/>. Retires the stamp first, so what the application kept stops working.
    /// </summary>
    /// <param name="exception">What the application raised, or <see langword="null"/> when it returned.</param>
    /// <returns>
    /// A task that completes when the response has been finished; it faults with <see cref="AsgiResponseAbortedException"/>
    /// when the server must cut a started response off (the caller lets that reach the server).
    /// </returns>
    public Task FinishAsync(Exception? exception)
    {
        EndApplication();
        if (_sends.WaitingCount != 0)
        {
            _sends.Fail(new AsgiClientDisconnectedException("The ASGI application returned before this send ran; its connection is closed."));
        }

        if (exception is null && _violation is null && _response.Phase == HttpResponsePhase.Complete && !_sends.IsHeld)
        {
            SignalResponseComplete();
            Context.Features.Set(AsgiConnectionOutcome.Completed);
            return Task.CompletedTask;
        }

        return FinishSlowAsync(exception);
    }

    private async Task FinishSlowAsync(Exception? exception)
    {
        // A send the application left running (from a task it did not await) finishes before the bridge's last word.
        await _sends.EnterExclusiveAsync().ConfigureAwait(false);
        var outcome = AsgiConnectionOutcome.Completed;
        try
        {
            outcome = await DecideAsync(exception).ConfigureAwait(false);
        }
        finally
        {
            Context.Features.Set(outcome);
            SignalResponseComplete();
            _sends.Exit();
        }

        if (outcome.ResponseTruncated && !ClientGone)
        {
            if (_multiplexed)
            {
                // Kestrel resets an HTTP/2 or HTTP/3 stream by dropping the DATA its connection writer has not taken from
                // the stream yet, even though the flush that put it there completed. That writer is already queued on the
                // thread pool; yielding once lets it move the flushed bytes ahead of the reset, as closing a socket would.
                await Task.Yield();
                await Task.Delay(MultiplexedResetGrace).ConfigureAwait(false);
            }

            throw new AsgiResponseAbortedException(
                $"The response to {LogMethod} {LogPath} was cut off: the ASGI application {(outcome.Exception is null ? "returned without completing it" : "raised after it started")} (see the AsgiBridge log).");
        }
    }

    private async Task<AsgiConnectionOutcome> DecideAsync(Exception? exception)
    {
        var state = _response.Phase;
        var committed = state is HttpResponsePhase.Streaming or HttpResponsePhase.AwaitingTrailers || Context.Response.HasStarted;
        var violation = _violation;

        if (state == HttpResponsePhase.Complete)
        {
            if (exception is not null && !IsDisconnect(exception))
            {
                AsgiLog.AppExceptionAfterComplete(_logger, LogMethod, LogPath, exception);
                return new AsgiConnectionOutcome(AsgiConnectionEnd.ApplicationError, exception, violation);
            }

            return new AsgiConnectionOutcome(violation is null ? AsgiConnectionEnd.Completed : AsgiConnectionEnd.ApplicationError, exception, violation);
        }

        var clientLeft = _disconnected || Context.RequestAborted.IsCancellationRequested;
        if (!clientLeft && _stopping && (exception is null || IsDisconnect(exception)))
        {
            // The server is stopping and the application ended its stream (or its long poll) because of it: end the
            // response cleanly, with what was sent (503 when nothing was).
            await EndForShutdownAsync(committed).ConfigureAwait(false);
            return new AsgiConnectionOutcome(AsgiConnectionEnd.Completed, exception, violation);
        }

        if (clientLeft || (exception is not null && IsDisconnect(exception)))
        {
            AsgiLog.ClientDisconnected(_logger, LogMethod, LogPath);
            if (committed && !clientLeft)
            {
                Context.Abort();
            }

            return new AsgiConnectionOutcome(AsgiConnectionEnd.ClientDisconnected, exception, violation, responseTruncated: committed && !clientLeft);
        }

        if (committed)
        {
            if (exception is null)
            {
                AsgiLog.ReturnedWithoutCompletingResponse(_logger, LogMethod, LogPath);
            }
            else
            {
                AsgiLog.AppExceptionAfterStart(_logger, LogMethod, LogPath, exception);
            }

            var end = exception is null && violation is null ? AsgiConnectionEnd.IncompleteResponse : AsgiConnectionEnd.ApplicationError;
            return new AsgiConnectionOutcome(end, exception, violation, responseTruncated: true);
        }

        if (BadRequestStatus(exception) is { } badRequestStatus)
        {
            AsgiLog.BadRequestBody(_logger, LogMethod, LogPath, badRequestStatus, exception!);
            await WriteErrorResponseAsync(badRequestStatus).ConfigureAwait(false);
            return new AsgiConnectionOutcome(AsgiConnectionEnd.BadRequest, exception, violation, errorStatusCode: badRequestStatus);
        }

        var failed = exception is not null || violation is not null;
        if (exception is null)
        {
            AsgiLog.ReturnedWithoutResponse(_logger, LogMethod, LogPath);
        }
        else
        {
            AsgiLog.AppExceptionBeforeStart(_logger, LogMethod, LogPath, exception);
        }

        await WriteErrorResponseAsync(StatusCodes.Status500InternalServerError).ConfigureAwait(false);
        return new AsgiConnectionOutcome(failed ? AsgiConnectionEnd.ApplicationError : AsgiConnectionEnd.IncompleteResponse,
            exception, violation, errorStatusCode: StatusCodes.Status500InternalServerError);
    }

    private static int? BadRequestStatus(Exception? exception) => exception switch
    {
        AsgiBadRequestException bad => bad.StatusCode,
        BadHttpRequestException bad => bad.StatusCode,
        AggregateException { InnerExceptions.Count: 1 } aggregate => BadRequestStatus(aggregate.InnerExceptions[0]),
        _ => null,
    };

    private static bool IsDisconnect(Exception exception) =>
        exception is AsgiClientDisconnectedException
        || (exception is AggregateException { InnerExceptions.Count: 1 } aggregate && IsDisconnect(aggregate.InnerExceptions[0]));

    /// <summary>Ends a response the application stopped because the server is stopping: complete it, with the bytes sent so far.</summary>
    private async Task EndForShutdownAsync(bool committed)
    {
        try
        {
            if (!committed)
            {
                Context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                Context.Response.ContentLength = 0;
            }

            await _body.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransportFailure(ex) || ex is InvalidOperationException)
        {
            // Gone already, or a declared Content-Length not reached: the server cuts it off.
        }
    }

    private async Task WriteErrorResponseAsync(int status)
    {
        var response = Context.Response;
        response.Clear();
        response.StatusCode = status;
        if (status != StatusCodes.Status500InternalServerError)
        {
            response.ContentLength = 0;
            await response.CompleteAsync().ConfigureAwait(false);
            return;
        }

        var body = Encoding.UTF8.GetBytes(_options.InternalServerErrorBody);
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = body.Length;
        try
        {
            if (!_suppressBody)
            {
                await response.BodyWriter.WriteAsync(body).ConfigureAwait(false);
            }

            await response.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            AsgiLog.ClientDisconnected(_logger, LogMethod, LogPath);
        }
    }
}
