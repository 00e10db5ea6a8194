using System.IO.Pipelines;
using System.Threading.Tasks.Sources;

namespace AsgiBridge.Benchmarks.Harness;

/// <summary>
/// A response <see cref="PipeWriter"/> that throws the bytes away into one reusable buffer and only counts them,
/// so a benchmark measures the code under test and not a transport.
/// </summary>
public sealed class DiscardingPipeWriter : PipeWriter
{
    private byte[] _buffer = new byte[128 * 1024];

    /// <summary>Bytes written since the last <see cref="ResetCount"/>.</summary>
    private readonly AsyncFlush _asyncFlush = new();

    public long Written { get; private set; }

    /// <summary>
    /// When set, every flush completes asynchronously (on the thread pool, without allocating), as a flush of a large
    /// body does over a real socket under back-pressure: it exercises the suspended paths of the code under test.
    /// </summary>
    public bool AsyncFlushes { get; set; }

    /// <summary>Forgets the bytes counted so far.</summary>
    public void ResetCount() => Written = 0;

    /// <inheritdoc />
    public override void Advance(int bytes) => Written += bytes;

    /// <inheritdoc />
    public override Memory<byte> GetMemory(int sizeHint = 0) => Buffer(sizeHint);

    /// <inheritdoc />
    public override Span<byte> GetSpan(int sizeHint = 0) => Buffer(sizeHint);

    /// <inheritdoc />
    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) =>
        AsyncFlushes ? _asyncFlush.Start() : default;

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

    /// <summary>A reusable flush that completes on a thread-pool thread: no allocation per flush.</summary>
    private sealed class AsyncFlush : IValueTaskSource<FlushResult>, IThreadPoolWorkItem
    {
        private ManualResetValueTaskSourceCore<FlushResult> _core;

        public ValueTask<FlushResult> Start()
        {
            _core.Reset();
            _core.RunContinuationsAsynchronously = false;
            var task = new ValueTask<FlushResult>(this, _core.Version);
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            return task;
        }

        public void Execute() => _core.SetResult(default);

        public FlushResult GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
