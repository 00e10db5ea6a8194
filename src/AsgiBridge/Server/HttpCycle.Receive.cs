using System.Buffers;
using System.IO.Pipelines;
using AsgiBridge.Messages;
using Microsoft.AspNetCore.Http;

namespace AsgiBridge.Server;

/// <summary>The <c>receive</c> half: request body chunks, then <c>http.disconnect</c>.</summary>
internal sealed partial class HttpCycle
{
    private ValueTask<AsgiMessage> ReceiveCore()
    {
        if (Interlocked.Exchange(ref _receiving, 1) != 0)
        {
            return ValueTask.FromException<AsgiMessage>(Violation(new AsgiProtocolException(
                "receive() was called while another receive() on the same connection is still running; await each receive before starting the next.")));
        }

        if (_requestBodyDone || _disconnected || IsResponseComplete)
        {
            // Once the response is complete, receive answers http.disconnect even if the body was never read (spec H9).
            Volatile.Write(ref _receiving, 0);
            return WaitForDisconnect();
        }

        if (!_canHaveBody)
        {
            _requestBodyDone = true;
            Volatile.Write(ref _receiving, 0);
            return new ValueTask<AsgiMessage>(HttpRequestBody.Empty);
        }

        ValueTask<ReadResult> read;
        try
        {
            read = _context.Request.BodyReader.ReadAsync();
        }
        catch (Exception ex)
        {
            Volatile.Write(ref _receiving, 0);
            return OnReadFailed(ex);
        }

        if (read.IsCompletedSuccessfully)
        {
            var message = OnRead(read.Result);
            Volatile.Write(ref _receiving, 0);
            return new ValueTask<AsgiMessage>(message);
        }

        return AwaitRead(read);
    }

    private async ValueTask<AsgiMessage> AwaitRead(ValueTask<ReadResult> read)
    {
        try
        {
            return OnRead(await read.ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            return await OnReadFailed(ex).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _receiving, 0);
        }
    }

    private AsgiMessage OnRead(ReadResult result)
    {
        var reader = _context.Request.BodyReader;
        var buffer = result.Buffer;
        if (result.IsCanceled)
        {
            reader.AdvanceTo(buffer.Start);
            SignalDisconnected();
            return HttpDisconnect.Instance;
        }

        var length = buffer.Length;
        byte[] chunk = length == 0 ? [] : buffer.ToArray();
        reader.AdvanceTo(buffer.End);
        _bodyRead += length;

        var done = result.IsCompleted || (_requestContentLength is { } expected && _bodyRead >= expected);
        if (done)
        {
            _requestBodyDone = true;
            if (length == 0)
            {
                return HttpRequestBody.Empty;
            }
        }

        return new HttpRequestBody(chunk, moreBody: !done);
    }

    private ValueTask<AsgiMessage> OnReadFailed(Exception exception)
    {
        if (_context.RequestAborted.IsCancellationRequested)
        {
            // Checked first: a client that closes the connection mid-body makes Kestrel (HTTP/1.1) throw a
            // BadHttpRequestException ("unexpected end of request content"), but for ASGI that is a disconnect.
            SignalDisconnected();
            return new ValueTask<AsgiMessage>(HttpDisconnect.Instance);
        }

        if (exception is BadHttpRequestException)
        {
            // Oversized or malformed body: the application sees the exception; if it lets it escape, the bridge
            // answers with the exception's status code (413, 400, ...).
            return ValueTask.FromException<AsgiMessage>(exception);
        }

        if (exception is IOException or OperationCanceledException)
        {
            SignalDisconnected();
            return new ValueTask<AsgiMessage>(HttpDisconnect.Instance);
        }

        return ValueTask.FromException<AsgiMessage>(exception);
    }

    private ValueTask<AsgiMessage> WaitForDisconnect()
    {
        if (IsResponseComplete || ClientGone)
        {
            return new ValueTask<AsgiMessage>(HttpDisconnect.Instance);
        }

        var waiter = _disconnectWaiter;
        if (waiter is null)
        {
            waiter = new TaskCompletionSource<AsgiMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _disconnectWaiter, waiter);
            _abortRegistration = _context.RequestAborted.UnsafeRegister(static state => ((HttpCycle)state!).SignalDisconnected(), this);

            // The response may have completed on another thread between the check above and publishing the waiter.
            if (IsResponseComplete)
            {
                waiter.TrySetResult(HttpDisconnect.Instance);
            }
        }

        return new ValueTask<AsgiMessage>(waiter.Task);
    }
}
