using System.Text;
using AsgiBridge.Diagnostics;
using AsgiBridge.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AsgiBridge.Server;

/// <summary>What happens when the application returns or raises: 500 before the response started, abort after.</summary>
internal sealed partial class HttpCycle
{
    /// <summary>Turns the application's outcome into a well-formed end of the response.</summary>
    /// <param name="exception">What the application raised, or <see langword="null"/> when it returned.</param>
    /// <returns>A task that completes when the response has been finished or aborted.</returns>
    public Task FinishAsync(Exception? exception)
    {
        var state = _response.Phase;
        if (exception is null && state == HttpResponsePhase.Complete && _violation is null)
        {
            SignalResponseComplete();
            _context.Features.Set(AsgiConnectionOutcome.Completed);
            return Task.CompletedTask;
        }

        return FinishSlowAsync(exception, state);
    }

    private async Task FinishSlowAsync(Exception? exception, HttpResponsePhase state)
    {
        var committed = state is HttpResponsePhase.Streaming or HttpResponsePhase.AwaitingTrailers || _context.Response.HasStarted;
        var outcome = AsgiConnectionOutcome.Completed;
        try
        {
            if (exception is not null && IsDisconnect(exception))
            {
                AsgiLog.ClientDisconnected(_logger, LogMethod, LogPath);
                var cut = committed && state != HttpResponsePhase.Complete;
                if (cut)
                {
                    Abort();
                }

                outcome = new AsgiConnectionOutcome(AsgiConnectionEnd.ClientDisconnected, exception, _violation, responseTruncated: cut);
                return;
            }

            if (state == HttpResponsePhase.Complete)
            {
                if (exception is not null)
                {
                    AsgiLog.AppExceptionAfterComplete(_logger, LogMethod, LogPath, exception);
                    outcome = new AsgiConnectionOutcome(AsgiConnectionEnd.ApplicationError, exception, _violation);
                }
                else
                {
                    outcome = new AsgiConnectionOutcome(AsgiConnectionEnd.Completed, null, _violation);
                }

                return;
            }

            if (ClientGone)
            {
                AsgiLog.ClientDisconnected(_logger, LogMethod, LogPath);
                if (committed)
                {
                    Abort();
                }

                outcome = new AsgiConnectionOutcome(AsgiConnectionEnd.ClientDisconnected, exception, _violation, responseTruncated: committed);
                return;
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

                Abort();
                outcome = new AsgiConnectionOutcome(exception is null && _violation is null ? AsgiConnectionEnd.IncompleteResponse : AsgiConnectionEnd.ApplicationError,
                    exception, _violation, responseTruncated: true);
                return;
            }

            var status = StatusCodes.Status500InternalServerError;
            var end = AsgiConnectionEnd.ApplicationError;
            if (exception is BadHttpRequestException badRequest)
            {
                status = badRequest.StatusCode;
                end = AsgiConnectionEnd.BadRequest;
                AsgiLog.BadRequestBody(_logger, LogMethod, LogPath, status, badRequest);
            }
            else if (exception is null)
            {
                if (_violation is null)
                {
                    end = AsgiConnectionEnd.IncompleteResponse;
                }

                AsgiLog.ReturnedWithoutResponse(_logger, LogMethod, LogPath);
            }
            else
            {
                AsgiLog.AppExceptionBeforeStart(_logger, LogMethod, LogPath, exception);
            }

            outcome = new AsgiConnectionOutcome(end, exception, _violation, errorStatusCode: status);
            await WriteErrorResponseAsync(status).ConfigureAwait(false);
        }
        finally
        {
            SignalResponseComplete();
            _context.Features.Set(outcome);
        }
    }

    private static bool IsDisconnect(Exception exception) =>
        exception is AsgiClientDisconnectedException
        || (exception is AggregateException { InnerExceptions.Count: 1 } aggregate && IsDisconnect(aggregate.InnerExceptions[0]));

    private async Task WriteErrorResponseAsync(int status)
    {
        var response = _context.Response;
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

    private void Abort()
    {
        // Never let a truncated body look complete: reset the HTTP/2 (or HTTP/3) stream, abort an HTTP/1.x connection.
        var reset = _context.Features.Get<IHttpResetFeature>();
        if (reset is not null)
        {
            reset.Reset(2); // INTERNAL_ERROR
            return;
        }

        _context.Abort();
    }
}
