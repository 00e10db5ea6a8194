using System.Buffers;
using System.IO.Pipelines;
using AsgiBridge.Messages;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AsgiBridge.Server;

/// <summary>Step 2, the <c>receive</c> half: request body chunks, then <c>http.disconnect</c>.</summary>
internal sealed partial class HttpCycle
{
    /// <inheritdoc />
    protected override ValueTask<AsgiMessage> ReceiveCurrent()
    {
        while (true)
        {
            if (_requestBodyDone || ClientGone || IsResponseComplete)
            {
                // Once the response is complete, receive answers http.disconnect even if the body was never read (spec H9);
                // once the body is read, it waits for that, for the client to leave, or for the server to stop.
                return WaitForDisconnect();
            }

            if (_receives.TryBegin())
            {
                return ReadBody();
            }

            // Another receive is pending (one raced against a timeout and abandoned, typically): share its event.
            if (_receives.Join() is { } joined)
            {
                return new ValueTask<AsgiMessage>(joined);
            }
        }
    }

    /// <summary>
    /// Bodies up to this size whose length is declared are delivered as one <c>http.request</c> event: the bridge waits
    /// until all of it is buffered instead of handing out each network read (Kestrel reads 4 KiB at a time), which saves
    /// events, arrays and the application's concatenation.
    /// </summary>
    private const long CoalescedBodyLimit = 64 * 1024;

    private ValueTask<AsgiMessage> ReadBody()
    {
        // Asked here rather than per request: many applications never call receive on a GET.
        if (!(Context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true))
        {
            _requestBodyDone = true;
            _receives.End(HttpRequestBody.Empty);
            return new ValueTask<AsgiMessage>(HttpRequestBody.Empty);
        }

        var reader = Context.Request.BodyReader;
        while (true)
        {
            ValueTask<ReadResult> read;
            try
            {
                read = reader.ReadAsync();
            }
            catch (Exception ex)
            {
                return Failed(ex);
            }

            if (!read.IsCompletedSuccessfully)
            {
                return AwaitRead(read);
            }

            var result = read.Result;
            if (WaitForRest(result))
            {
                continue;
            }

            var message = OnRead(result);
            _receives.End(message);
            return new ValueTask<AsgiMessage>(message);
        }
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<AsgiMessage> AwaitRead(ValueTask<ReadResult> read)
    {
        var reader = Context.Request.BodyReader;
        ReadResult result;
        try
        {
            result = await read.ConfigureAwait(false);
            while (WaitForRest(result))
            {
                result = await reader.ReadAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            return await Failed(ex).ConfigureAwait(false);
        }

        var message = OnRead(result);
        _receives.End(message);
        return message;
    }

    /// <summary>
    /// Whether to keep reading before delivering: the rest of a small declared body is not all buffered yet. Then the
    /// buffered bytes are marked examined (not consumed), so the next read returns them with more.
    /// </summary>
    private bool WaitForRest(ReadResult result)
    {
        if (result.IsCanceled || result.IsCompleted || _requestContentLength is not { } declared)
        {
            return false;
        }

        var rest = declared - _bodyRead;
        if (rest > CoalescedBodyLimit || result.Buffer.Length >= rest)
        {
            return false;
        }

        Context.Request.BodyReader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        return true;
    }

    private AsgiMessage OnRead(ReadResult result)
    {
        var reader = Context.Request.BodyReader;
        var buffer = result.Buffer;
        if (result.IsCanceled)
        {
            reader.AdvanceTo(buffer.Start);
            SignalDisconnected();
            return HttpDisconnect.Instance;
        }

        var length = buffer.Length;
        var chunk = length == 0 ? ReadOnlyMemory<byte>.Empty : Copy(buffer);
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

    /// <summary>
    /// How many bytes of one request's body pooled buffers lend. The chunks are held until the application returns, so an
    /// application that streams a long upload elsewhere would otherwise hold all of it; later chunks are owned arrays.
    /// </summary>
    private const long LentBytesLimit = 1024 * 1024;

    /// <summary>The chunk's bytes, in memory the application owns or, with pooled buffers, lent until the request ends.</summary>
    private ReadOnlyMemory<byte> Copy(in ReadOnlySequence<byte> buffer)
    {
        var length = buffer.Length;
        if (!_pooledBodies)
        {
            return buffer.ToArray();
        }

        if (_lentBytes + length > LentBytesLimit)
        {
            _pooledBodies = false;  // the rest of this body is owned too: only its first MiB is lent
            return buffer.ToArray();
        }

        _lentBytes += length;
        var array = ArrayPool<byte>.Shared.Rent((int)length);
        buffer.CopyTo(array);
        (_lent ??= []).Add(array);   // the list stays with the pooled cycle: allocated once, not per request
        return new ReadOnlyMemory<byte>(array, 0, (int)length);
    }

    /// <summary>Gives the lent chunks back to the pool: the application has returned and the cycle is idle.</summary>
    private void ReturnLentChunks()
    {
        if (_lent is not { Count: > 0 } lent)
        {
            return;
        }

        foreach (var array in lent)
        {
            ArrayPool<byte>.Shared.Return(array);
        }

        lent.Clear();
    }

    /// <summary>Turns a failed read into what the application sees, and ends the read.</summary>
    private ValueTask<AsgiMessage> Failed(Exception exception)
    {
        if (BadRequest(exception) is { } error)
        {
            // Checked before the abort: a body over the limit or a malformed chunk is the client's error (413, 400), even
            // though Kestrel also ends the connection for it. If the application lets it escape, the client gets that status.
            _receives.End(null, error);
            return ValueTask.FromException<AsgiMessage>(error);
        }

        if (exception is IOException or OperationCanceledException || Context.RequestAborted.IsCancellationRequested)
        {
            SignalDisconnected();
            _receives.End(HttpDisconnect.Instance);
            return new ValueTask<AsgiMessage>(HttpDisconnect.Instance);
        }

        _receives.End(null, exception);
        return ValueTask.FromException<AsgiMessage>(exception);
    }

    /// <summary>
    /// The client error a failed body read is, if it is one: Kestrel's <see cref="BadHttpRequestException"/> (but not the
    /// "unexpected end" of a client that left), or the plain <see cref="IOException"/> it raises when a chunk size overflows
    /// its parser (the cause is then an <see cref="OverflowException"/> or a <see cref="FormatException"/>).
    /// </summary>
    private static AsgiBadRequestException? BadRequest(Exception exception) => exception switch
    {
        BadHttpRequestException bad when !IsUnexpectedEnd(bad) => new AsgiBadRequestException(bad.StatusCode, bad.Message, bad),
        IOException { InnerException: OverflowException or FormatException } malformed =>
            new AsgiBadRequestException(StatusCodes.Status400BadRequest, malformed.Message, malformed),
        _ => null,
    };

    /// <summary>
    /// Whether Kestrel rejected the body because the client closed the connection before sending all of it: for ASGI that
    /// is a disconnect, not a bad request. Kestrel exposes the reason only through its (English, not localised) message.
    /// </summary>
    private static bool IsUnexpectedEnd(BadHttpRequestException exception) =>
        exception.Message.Contains("Unexpected end of request content", StringComparison.OrdinalIgnoreCase);

    private ValueTask<AsgiMessage> WaitForDisconnect()
    {
        if (IsResponseComplete || ClientGone || _stopping)
        {
            return new ValueTask<AsgiMessage>(HttpDisconnect.Instance);
        }

        var waiter = Volatile.Read(ref _disconnectWaiter);
        if (waiter is null)
        {
            var created = new TaskCompletionSource<AsgiMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiter = Interlocked.CompareExchange(ref _disconnectWaiter, created, null) ?? created;
            if (ReferenceEquals(waiter, created))
            {
                _abortRegistration = Context.RequestAborted.UnsafeRegister(static state => ((HttpCycle)state!).SignalDisconnected(), this);

                // The response may have completed, or the server begun stopping, between the check above and publishing the waiter.
                if (IsResponseComplete || ClientGone || _stopping)
                {
                    waiter.TrySetResult(HttpDisconnect.Instance);
                }
            }
        }

        return new ValueTask<AsgiMessage>(waiter.Task);
    }
}
