using System.Net;

namespace AsgiBridge.Testing.Http;

/// <summary>
/// The <see cref="HttpContent"/> of a response produced by the in-process client: the application's body chunks,
/// readable as a stream or, through <see cref="ReadChunksAsync"/>, chunk by chunk as the application sends them.
/// Disposing it before the end is a client disconnect, as with a real connection.
/// </summary>
internal sealed class ResponseBodyContent : HttpContent
{
    private readonly ResponseBodyPipe _pipe;

    public ResponseBodyContent(ResponseBodyPipe pipe)
    {
        _pipe = pipe;
    }

    /// <summary>Reads the body chunk by chunk, without waiting for the whole response.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The chunks.</returns>
    public IAsyncEnumerable<ReadOnlyMemory<byte>> ReadChunksAsync(CancellationToken cancellationToken) => _pipe.ReadAllAsync(cancellationToken);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        await SerializeToStreamAsync(stream, context, CancellationToken.None).ConfigureAwait(false);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await foreach (var chunk in _pipe.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            await stream.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(new ResponseBodyStream(_pipe));

    protected override Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) => CreateContentReadStreamAsync();

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _pipe.ReaderGone();
        }

        base.Dispose(disposing);
    }
}
