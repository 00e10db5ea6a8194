using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace AsgiBridge.Transport;

/// <summary>The pool factory Kestrel resolves from the container: one <see cref="TransportBlockPool"/> per listener.</summary>
/// <param name="options">The block options.</param>
internal sealed class TransportBlockPoolFactory(IOptions<TransportBlockOptions> options) : IMemoryPoolFactory<byte>
{
    /// <inheritdoc />
    public System.Buffers.MemoryPool<byte> Create(MemoryPoolOptions? poolOptions = null)
    {
        var value = options.Value;
        return new TransportBlockPool(value.BlockSize, value.MaxRetainedBytes);
    }
}
