using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace AsgiBridge.Benchmarks;

/// <summary>
/// An experiment for the hosting recipe (<c>--pool-block N</c>): a memory pool for Kestrel whose blocks are N bytes
/// instead of 4 KiB. Kestrel's socket transport receives into one pool block at a time, so with 4 KiB blocks a
/// 16 KiB request body takes four or five <c>recvfrom</c> calls; with larger blocks it takes one. Registered as the
/// <see cref="IMemoryPoolFactory{T}"/> that Kestrel (.NET 10) resolves from the container. Blocks are pinned arrays
/// kept in a bounded free list; a benchmark tool, not production code.
/// </summary>
public sealed class LargeBlockMemoryPoolFactory(int blockSize) : IMemoryPoolFactory<byte>
{
    /// <inheritdoc />
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool(blockSize);

    private sealed class LargeBlockMemoryPool(int blockSize) : MemoryPool<byte>
    {
        private const int MaxFreeBlocks = 1024;
        private readonly ConcurrentQueue<Block> _free = new();

        public override int MaxBufferSize => blockSize;

        public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
        {
            if (minBufferSize > blockSize)
            {
                return new Block(null, GC.AllocateUninitializedArray<byte>(minBufferSize, pinned: true));
            }

            return _free.TryDequeue(out var block) ? block.Reuse() : new Block(this, GC.AllocateUninitializedArray<byte>(blockSize, pinned: true));
        }

        protected override void Dispose(bool disposing) => _free.Clear();

        private void Return(Block block)
        {
            if (_free.Count < MaxFreeBlocks)
            {
                _free.Enqueue(block);
            }
        }

        private sealed class Block(LargeBlockMemoryPool? pool, byte[] array) : IMemoryOwner<byte>
        {
            private int _rented = 1;

            public Memory<byte> Memory => array;

            public Block Reuse()
            {
                _rented = 1;
                return this;
            }

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _rented, 0) == 1)
                {
                    pool?.Return(this);
                }
            }
        }
    }
}
