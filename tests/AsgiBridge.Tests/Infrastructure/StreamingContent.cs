using System.Net;

namespace AsgiBridge.Tests.Infrastructure;

/// <summary>A request body of unknown length written by a callback (so HTTP/1.1 sends it chunked), e.g. piece by piece with waits.</summary>
internal sealed class StreamingContent(Func<Stream, Task> write) : HttpContent
{
    public bool Serialized { get; private set; }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        Serialized = true;
        await write(stream);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
