using System.Buffers;
using System.Runtime.InteropServices;
using AsgiBridge.Transport;

namespace AsgiBridge.Tests.Transport;

/// <summary>The transport block pool on its own: reuse, bounds, double disposal, oversize rents, disposal, concurrency.</summary>
public sealed class TransportBlockPoolTests
{
    private const int Block = 64 * 1024;

    private static byte[] ArrayOf(IMemoryOwner<byte> owner) =>
        MemoryMarshal.TryGetArray<byte>(owner.Memory, out var segment) ? segment.Array! : throw new InvalidOperationException("not array-backed");

    [Fact]
    public void A_returned_block_is_rented_again_instead_of_allocating()
    {
        using var pool = new TransportBlockPool(Block, 16L * Block);
        var first = pool.Rent();
        var array = ArrayOf(first);
        Assert.Equal(Block, first.Memory.Length);
        first.Dispose();
        var second = pool.Rent(100);
        Assert.Same(array, ArrayOf(second));
        Assert.Equal(1, pool.AllocatedBlocks);
        Assert.Equal(Block, pool.MaxBufferSize);
    }

    [Fact]
    public void Blocks_are_pinned_so_the_socket_transport_can_pin_them_for_free()
    {
        using var pool = new TransportBlockPool(Block, Block);
        using var owner = pool.Rent();
        Assert.Equal(GCGenerationOfPinnedHeap, GC.GetGeneration(ArrayOf(owner)));
    }

    // Arrays on the pinned object heap report the highest generation.
    private static int GCGenerationOfPinnedHeap => GC.MaxGeneration;

    [Fact]
    public void Disposing_a_block_twice_returns_it_once()
    {
        using var pool = new TransportBlockPool(Block, 16L * Block);
        var owner = pool.Rent();
        owner.Dispose();
        owner.Dispose();
        Assert.Equal(1, pool.RetainedBlocks);
        var a = pool.Rent();
        var b = pool.Rent();
        Assert.NotSame(ArrayOf(a), ArrayOf(b));
        Assert.Equal(2, pool.AllocatedBlocks);
    }

    [Fact]
    public void A_disposed_block_refuses_its_memory()
    {
        using var pool = new TransportBlockPool(Block, Block);
        var owner = pool.Rent();
        owner.Dispose();
        Assert.Throws<ObjectDisposedException>(() => owner.Memory);
    }

    [Fact]
    public void Free_blocks_are_kept_up_to_the_retained_bytes_only()
    {
        using var pool = new TransportBlockPool(Block, 3L * Block);
        var owners = Enumerable.Range(0, 10).Select(_ => pool.Rent()).ToList();
        owners.ForEach(o => o.Dispose());
        Assert.Equal(3, pool.RetainedBlocks);
        Assert.Equal(10, pool.AllocatedBlocks);
    }

    [Fact]
    public void A_rent_larger_than_a_block_gets_an_exact_array_that_is_not_pooled()
    {
        using var pool = new TransportBlockPool(Block, 16L * Block);
        var big = pool.Rent(Block + 1);
        Assert.Equal(Block + 1, big.Memory.Length);
        big.Dispose();
        Assert.Equal(0, pool.RetainedBlocks);
        Assert.Equal(0, pool.AllocatedBlocks);
    }

    [Fact]
    public void A_disposed_pool_refuses_rents_and_drops_returns()
    {
        var pool = new TransportBlockPool(Block, 16L * Block);
        var owner = pool.Rent();
        pool.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pool.Rent());
        owner.Dispose();
        Assert.Equal(0, pool.RetainedBlocks);
    }

    [Fact]
    public async Task Under_concurrent_use_no_block_is_held_by_two_renters_and_the_bound_holds()
    {
        using var pool = new TransportBlockPool(4096, 8L * 4096);
        var held = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);
        var gate = new Lock();
        var clash = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                var owners = new[] { pool.Rent(), pool.Rent() };
                foreach (var owner in owners)
                {
                    lock (gate)
                    {
                        if (!held.Add(ArrayOf(owner)))
                        {
                            clash++;
                        }
                    }
                }

                foreach (var owner in owners)
                {
                    lock (gate)
                    {
                        held.Remove(ArrayOf(owner));
                    }

                    owner.Dispose();
                }
            }
        })));

        Assert.Equal(0, clash);
        Assert.InRange(pool.RetainedBlocks, 1, 8);
        Assert.InRange(pool.AllocatedBlocks, 2, 4 * 20_000 * 2);
    }
}
