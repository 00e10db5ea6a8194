using System.Buffers;
using System.IO.Pipelines;

namespace AsgiBridge.Benchmarks.Harness;

/// <summary>
/// A request body <see cref="PipeReader"/> that hands out one fixed payload in chunks of a chosen size, again and
/// again, without allocating: each read returns the next unconsumed chunk, the last one with <c>IsCompleted</c>.
/// </summary>
public sealed class ReplayBodyReader : PipeReader
{
    private readonly byte[] _payload;
    private readonly int _chunkSize;
    private int _consumed;
    private int _available;

    /// <summary>Creates the reader.</summary>
    /// <param name="payload">The body.</param>
    /// <param name="chunkSize">How many new bytes each read makes available.</param>
    public ReplayBodyReader(byte[] payload, int chunkSize)
    {
        _payload = payload;
        _chunkSize = chunkSize;
    }

    /// <summary>Rewinds to the start of the body for the next request.</summary>
    public void Rewind()
    {
        _consumed = 0;
        _available = 0;
    }

    /// <inheritdoc />
    public override bool TryRead(out ReadResult result)
    {
        _available = Math.Min(_payload.Length, _available + _chunkSize);
        var buffer = new ReadOnlySequence<byte>(_payload, _consumed, _available - _consumed);
        result = new ReadResult(buffer, isCanceled: false, isCompleted: _available == _payload.Length);
        return true;
    }

    /// <inheritdoc />
    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        TryRead(out var result);
        return new ValueTask<ReadResult>(result);
    }

    /// <inheritdoc />
    public override void AdvanceTo(SequencePosition consumed) => _consumed = consumed.GetInteger();

    /// <inheritdoc />
    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => _consumed = consumed.GetInteger();

    /// <inheritdoc />
    public override void CancelPendingRead()
    {
    }

    /// <inheritdoc />
    public override void Complete(Exception? exception = null)
    {
    }
}
