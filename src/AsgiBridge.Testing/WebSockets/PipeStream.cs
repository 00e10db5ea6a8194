using System.Buffers;
using System.IO.Pipelines;

namespace AsgiBridge.Testing.WebSockets;

/// <summary>One end of an <see cref="InMemoryConnection"/>: reads what the other end wrote, writes what the other end reads.</summary>
internal sealed class PipeStream(PipeReader input, PipeWriter output) : Stream
{
    private int _closed;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Use ReadAsync.");

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCanceled)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            var data = result.Buffer;
            if (data.IsEmpty)
            {
                input.AdvanceTo(data.End);
                if (result.IsCompleted)
                {
                    return 0;
                }

                continue;
            }

            var count = (int)Math.Min(data.Length, buffer.Length);
            var slice = data.Slice(0, count);
            slice.CopyTo(buffer.Span);
            input.AdvanceTo(slice.End);
            return count;
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Use WriteAsync.");

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var result = await output.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (result.IsCompleted)
        {
            throw new IOException("The in-memory connection was closed by the other side.");
        }
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Ends this side: the other side reads the end of the stream (or <paramref name="error"/>, if given).</summary>
    /// <param name="error">The failure the other side's reads throw, or <see langword="null"/> for an orderly end.</param>
    public void Close(Exception? error)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            output.Complete(error);
            input.Complete();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Close(null);
        }

        base.Dispose(disposing);
    }
}
