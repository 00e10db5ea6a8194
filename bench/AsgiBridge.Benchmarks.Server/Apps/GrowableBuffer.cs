using System.Buffers;

namespace AsgiBridge.Benchmarks.Apps;

/// <summary>
/// A request body collected into one pooled array, the way a tuned application buffers a body before answering.
/// Used by both echo variants, so the raw and the ASGI versions pay for the same copy.
/// </summary>
public struct GrowableBuffer
{
    private byte[] _array;
    private int _length;

    /// <summary>Rents the first array.</summary>
    /// <param name="capacity">The expected size.</param>
    public GrowableBuffer(int capacity)
    {
        _array = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 256));
        _length = 0;
    }

    /// <summary>The bytes collected so far.</summary>
    public readonly ReadOnlyMemory<byte> Written => _array.AsMemory(0, _length);

    /// <summary>The number of bytes collected so far.</summary>
    public readonly int Length => _length;

    /// <summary>Appends bytes, growing the array when needed.</summary>
    /// <param name="bytes">The bytes.</param>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (_length + bytes.Length > _array.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_array.Length * 2, _length + bytes.Length));
            _array.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_array);
            _array = bigger;
        }

        bytes.CopyTo(_array.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Returns the array to the pool.</summary>
    public void Release()
    {
        if (_array is not null)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = null!;
        }
    }
}
