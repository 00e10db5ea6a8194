using System.Buffers;
using System.Collections.Concurrent;

namespace AsgiBridge.Transport;

/// <summary>
/// A memory pool of fixed-size pinned blocks for Kestrel's transport. Pinned because the socket transport pins every
/// buffer it receives into; allocated on the pinned object heap so that pinning costs nothing and does not fragment the
/// heap. Returned blocks go to a bounded free list; a rent larger than a block gets an exact, unpooled array.
/// </summary>
internal sealed class TransportBlockPool : MemoryPool<byte>
{
    private readonly ConcurrentQueue<Block> _free = new();
    private readonly int _blockSize;
    private readonly int _maxRetained;
    private int _retained;
    private long _allocated;
    private volatile bool _disposed;

    /// <summary>Creates a pool.</summary>
    /// <param name="blockSize">The size of every pooled block.</param>
    /// <param name="maxRetainedBytes">How many bytes of free blocks to keep.</param>
    public TransportBlockPool(int blockSize, long maxRetainedBytes)
    {
        _blockSize = blockSize;
        _maxRetained = (int)Math.Min(int.MaxValue, maxRetainedBytes / blockSize);
    }

    /// <inheritdoc />
    public override int MaxBufferSize => _blockSize;

    /// <summary>How many blocks the pool has allocated so far (rents that found no free block).</summary>
    public long AllocatedBlocks => Interlocked.Read(ref _allocated);

    /// <summary>How many free blocks the pool holds now.</summary>
    public int RetainedBlocks => Volatile.Read(ref _retained);

    /// <inheritdoc />
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (minBufferSize > _blockSize)
        {
            return new Block(null, GC.AllocateUninitializedArray<byte>(minBufferSize, pinned: true));
        }

        if (_free.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _retained);
            block.Rent();
            return block;
        }

        Interlocked.Increment(ref _allocated);
        return new Block(this, GC.AllocateUninitializedArray<byte>(_blockSize, pinned: true));
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        _free.Clear();
        Volatile.Write(ref _retained, 0);
    }

    private void Return(Block block)
    {
        if (_disposed)
        {
            return;
        }

        // Counted before it is queued, so concurrent returns never keep more than the limit.
        if (Interlocked.Increment(ref _retained) > _maxRetained)
        {
            Interlocked.Decrement(ref _retained);
            return;
        }

        _free.Enqueue(block);
    }

    /// <summary>One block; disposing it returns it to its pool once, however often it is disposed.</summary>
    private sealed class Block(TransportBlockPool? pool, byte[] array) : IMemoryOwner<byte>
    {
        private int _rented = 1;

        public Memory<byte> Memory
        {
            get
            {
                ObjectDisposedException.ThrowIf(Volatile.Read(ref _rented) == 0, this);
                return array;
            }
        }

        public void Rent() => Volatile.Write(ref _rented, 1);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _rented, 0) == 1)
            {
                pool?.Return(this);
            }
        }
    }
}
