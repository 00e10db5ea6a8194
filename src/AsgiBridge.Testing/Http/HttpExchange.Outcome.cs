using System.Text;
using AsgiBridge.Server;

namespace AsgiBridge.Testing.Http;

/// <summary>What happens when the application returns or raises: the server's outcome, or the exception for the test.</summary>
internal sealed partial class HttpExchange
{
    private void Finish(Exception? exception)
    {
        _cancellation.Dispose();
        if (exception is null && _options.RaiseServerExceptions && Volatile.Read(ref _violation) is { } violation)
        {
            // The application swallowed a protocol violation; the test still has to hear about it.
            exception = violation;
        }

        var phase = _response.Phase;
        var committed = phase is HttpResponsePhase.Streaming or HttpResponsePhase.AwaitingTrailers or HttpResponsePhase.Complete;
        try
        {
            if ((exception is not null && IsDisconnect(exception)) || (phase != HttpResponsePhase.Complete && ClientGone))
            {
                // The client went away: nobody is left to tell; an unfinished body is cut off.
                _head.TrySetException(new OperationCanceledException("The client disconnected before the response started."));
                _responseBody.Complete(phase == HttpResponsePhase.Complete ? null : Aborted(null));
                return;
            }

            if (phase == HttpResponsePhase.Complete)
            {
                // The server only logs an exception raised after the response; the test client re-throws it when asked to.
                _responseBody.Complete(_options.RaiseServerExceptions ? exception : null);
                return;
            }

            if (committed)
            {
                _responseBody.Complete(_options.RaiseServerExceptions
                    ? exception ?? new AsgiProtocolException("The application returned without completing the response: the last http.response.body had more_body=true. The server aborts such a response.")
                    : Aborted(exception));
                return;
            }

            if (_options.RaiseServerExceptions)
            {
                _head.TrySetException(exception ?? new AsgiProtocolException(phase == HttpResponsePhase.Initial
                    ? "The application returned without sending http.response.start. The server answers 500."
                    : "The application returned after http.response.start without sending http.response.body. The server answers 500."));
                _responseBody.Complete(null);
                return;
            }

            SendInternalServerError();
        }
        finally
        {
            SignalResponseComplete();
        }
    }

    private static bool IsDisconnect(Exception exception) =>
        exception is AsgiClientDisconnectedException
        || (exception is AggregateException { InnerExceptions.Count: 1 } aggregate && IsDisconnect(aggregate.InnerExceptions[0]));

    private static IOException Aborted(Exception? cause) => cause is null
        ? new IOException("The server aborted the response before it was complete.")
        : new IOException("The server aborted the response before it was complete: the application raised an exception.", cause);

    private void SendInternalServerError()
    {
        var body = Encoding.UTF8.GetBytes(_options.InternalServerErrorBody);
        var response = NewResponse(500);
        response.Content.Headers.TryAddWithoutValidation("content-type", "text/plain; charset=utf-8");
        response.Content.Headers.ContentLength = body.Length;
        _message = response;
        _head.TrySetResult(response);
        _ = CompleteWithAsync(_suppressBody ? ReadOnlyMemory<byte>.Empty : body);
    }

    private async Task CompleteWithAsync(ReadOnlyMemory<byte> body)
    {
        if (!body.IsEmpty)
        {
            await _responseBody.WriteAsync(body).ConfigureAwait(false);
        }

        _responseBody.Complete(null);
    }
}
