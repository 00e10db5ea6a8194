using System.Runtime.ExceptionServices;
using AsgiBridge.Hosting;
using AsgiBridge.Testing.Hosting;

namespace AsgiBridge.Testing.Http;

/// <summary>
/// Reads a response body from the in-process server and, at its end, consults the request's outcome: with exceptions
/// raised, the end of the body waits for the application to finish and re-throws what it raised (starlette's TestClient
/// fails the call the same way). A read that fails because the bridge cut the response off becomes an
/// <see cref="IOException"/>, as on a real connection, whatever TestServer's own abort signal was. The response to a HEAD
/// request ends with its head, as an HTTP client reads it off the wire.
/// </summary>
internal sealed class ObservedStream(Stream inner, ConnectionSlot slot, bool raise, TimeSpan timeout, bool head) : Stream
{
    private bool _ended;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("The in-process response body is read asynchronously; use ReadAsync.");

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = head ? 0 : await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
        {
            // TestServer reports the test's own cancellation as an aborted body.
            throw new OperationCanceledException("The read was cancelled.", ex, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ExceptionDispatchInfo.Throw(await ReadFailureAsync(ex).ConfigureAwait(false));
            throw;
        }

        if (read == 0 && buffer.Length > 0 && !_ended)
        {
            _ended = true;
            if (raise && FailurePolicy.ToRaise(await slot.WaitAsync(timeout, cancellationToken).ConfigureAwait(false)) is { } failure)
            {
                ExceptionDispatchInfo.Throw(failure);
            }
        }

        return read;
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task<Exception> ReadFailureAsync(Exception readError)
    {
        AsgiConnectionOutcome? outcome;
        try
        {
            outcome = await slot.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return readError;
        }

        if (raise && FailurePolicy.ToRaise(outcome) is { } failure)
        {
            return failure;
        }

        return outcome is { ResponseTruncated: true }
            ? new IOException("The server aborted the response before it was complete.", readError)
            : readError;
    }
}
