using System.Buffers;

namespace AsgiBridge.WebSockets;

/// <summary>
/// Reassembles one WebSocket message in arrays rented from <see cref="ArrayPool{T}.Shared"/>, growing by doubling up
/// to a hard capacity, so a message can never make the bridge hold more than the limit plus one byte.
/// </summary>
internal struct PooledMessageBuffer : IDisposable
{
    private const int InitialSize = 4096;

    private readonly int _capacityLimit;
    private byte[]? _array;
    private int _count;

    /// <summary>Creates an empty buffer that may grow to <paramref name="capacityLimit"/> bytes.</summary>
    /// <param name="capacityLimit">The most bytes the buffer may ever hold.</param>
    public PooledMessageBuffer(int capacityLimit)
    {
        _capacityLimit = capacityLimit;
        _array = null;
        _count = 0;
    }

    /// <summary>The number of bytes written so far.</summary>
    public readonly int Count => _count;

    /// <summary>The bytes written so far.</summary>
    public readonly ReadOnlySpan<byte> WrittenSpan => _array is null ? default : _array.AsSpan(0, _count);

    /// <summary>Returns free space to read into, growing the buffer when it is full.</summary>
    /// <param name="free">The free space.</param>
    /// <returns><see langword="false"/> when the buffer is full at its capacity limit.</returns>
    public bool TryGetFree(out Memory<byte> free)
    {
        if (_array is null)
        {
            _array = ArrayPool<byte>.Shared.Rent(Math.Min(InitialSize, _capacityLimit));
        }
        else if (_count == Usable)
        {
            if (_count >= _capacityLimit)
            {
                free = default;
                return false;
            }

            var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)_array.Length * 2, _capacityLimit));
            _array.AsSpan(0, _count).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_array);
            _array = grown;
        }

        free = _array.AsMemory(_count, Usable - _count);
        return true;
    }

    private readonly int Usable => Math.Min(_array!.Length, _capacityLimit);

    /// <summary>Records that <paramref name="count"/> bytes were written into the free space.</summary>
    /// <param name="count">The number of bytes.</param>
    public void Advance(int count) => _count += count;

    /// <summary>Copies the message into an array the application may keep.</summary>
    /// <returns>The bytes.</returns>
    public readonly byte[] ToArray() => WrittenSpan.ToArray();

    /// <summary>Returns the rented array to the pool.</summary>
    public void Dispose()
    {
        if (_array is not null)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = null;
        }

        _count = 0;
    }
}
