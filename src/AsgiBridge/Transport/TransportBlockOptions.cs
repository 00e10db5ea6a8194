namespace AsgiBridge.Transport;

/// <summary>
/// The memory blocks Kestrel reads into and writes from when <c>AddAsgiTransportBlocks</c> is used. Kestrel's own pool
/// hands out 4 KiB blocks, so its socket transport receives at most 4 KiB per <c>recv</c> and a 16 KiB request body takes
/// four reads (plus a 1-byte peek before each); with 64 KiB blocks it takes one, as uvicorn's 256 KiB read buffer does.
/// </summary>
public sealed class TransportBlockOptions
{
    /// <summary>The smallest block size: Kestrel's own.</summary>
    public const int MinBlockSize = 4 * 1024;

    /// <summary>The largest block size accepted (1 MiB).</summary>
    public const int MaxBlockSize = 1024 * 1024;

    /// <summary>
    /// The size of each block, from <see cref="MinBlockSize"/> to <see cref="MaxBlockSize"/>; 64 KiB by default. Each
    /// connection that is reading holds one block, so idle connections cost this much each while Kestrel waits for data
    /// into a buffer (by default it waits without one, <c>SocketTransportOptions.WaitForDataBeforeAllocatingBuffer</c>).
    /// </summary>
    public int BlockSize { get; set; } = 64 * 1024;

    /// <summary>
    /// How many bytes of returned blocks each pool keeps for reuse (16 MiB by default); blocks returned beyond that are
    /// left to the garbage collector. Kestrel creates one pool per listener.
    /// </summary>
    public long MaxRetainedBytes { get; set; } = 16L * 1024 * 1024;
}
