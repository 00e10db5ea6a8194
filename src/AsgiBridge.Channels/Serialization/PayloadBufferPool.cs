using System.Buffers;
using System.Collections.Concurrent;

namespace AsgiBridge.Channels.Serialization;

/// <summary>
/// Reusable buffers for serializing messages on their way to the broker, so a send allocates no buffer of its own.
/// A few are kept; unusually large ones are let go so one big message does not pin its buffer forever.
/// </summary>
internal sealed class PayloadBufferPool
{
    private const int Retained = 32;
    private const int MaxRetainedCapacity = 256 * 1024;
    private readonly ConcurrentQueue<ArrayBufferWriter<byte>> _buffers = new();
    private int _count;

    public ArrayBufferWriter<byte> Rent()
    {
        if (_buffers.TryDequeue(out var buffer))
        {
            Interlocked.Decrement(ref _count);
            return buffer;
        }

        return new ArrayBufferWriter<byte>(1024);
    }

    public void Return(ArrayBufferWriter<byte> buffer)
    {
        if (buffer.Capacity > MaxRetainedCapacity || Interlocked.Increment(ref _count) > Retained)
        {
            if (buffer.Capacity <= MaxRetainedCapacity)
            {
                Interlocked.Decrement(ref _count);
            }

            return;
        }

        buffer.ResetWrittenCount();
        _buffers.Enqueue(buffer);
    }
}
