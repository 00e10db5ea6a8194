using System.IO.Pipelines;

namespace AsgiBridge.Benchmarks.Harness;

/// <summary>
/// A response <see cref="PipeWriter"/> that throws the bytes away into one reusable buffer and only counts them,
/// so a benchmark measures the code under test and not a transport.
/// </summary>
public sealed class DiscardingPipeWriter : PipeWriter
{
    private byte[] _buffer = new byte[128 * 1024];

    /// <summary>Bytes written since the last <see cref="ResetCount"/>.</summary>
    public long Written { get; private set; }

    /// <summary>Forgets the bytes counted so far.</summary>
    public void ResetCount() => Written = 0;

    /// <inheritdoc />
    public override void Advance(int bytes) => Written += bytes;

    /// <inheritdoc />
    public override Memory<byte> GetMemory(int sizeHint = 0) => Buffer(sizeHint);

    /// <inheritdoc />
    public override Span<byte> GetSpan(int sizeHint = 0) => Buffer(sizeHint);

    /// <inheritdoc />
    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => default;

    /// <inheritdoc />
    public override void CancelPendingFlush()
    {
    }

    /// <inheritdoc />
    public override void Complete(Exception? exception = null)
    {
    }

    /// <inheritdoc />
    public override bool CanGetUnflushedBytes => true;

    /// <inheritdoc />
    public override long UnflushedBytes => 0;

    private byte[] Buffer(int sizeHint)
    {
        if (sizeHint > _buffer.Length)
        {
            _buffer = new byte[sizeHint];
        }

        return _buffer;
    }
}
