using System.Threading.Channels;
using AsgiBridge.Messages;

namespace AsgiBridge.Testing.Http;

/// <summary>
/// Feeds a request's <see cref="HttpContent"/> to the application as <c>http.request</c> events. The content is copied
/// lazily (on the first <c>receive</c>, as Kestrel reads the body) and each write of the content becomes one chunk,
/// so a streamed content's chunk boundaries reach the application. With a known length, the chunk that completes the
/// body has <c>more_body=false</c>; otherwise an empty final chunk follows the last write.
/// </summary>
internal sealed class RequestBodySource
{
    private readonly HttpContent _content;
    private readonly long? _length;
    private readonly Channel<HttpRequestBody> _chunks = Channel.CreateBounded<HttpRequestBody>(
        new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });

    private Task? _pump;

    public RequestBodySource(HttpContent content, long? length)
    {
        _content = content;
        _length = length;
    }

    /// <summary>Returns the next chunk, or <see langword="null"/> when the client went away or the content failed.</summary>
    /// <param name="aborted">Signals that the client disconnected.</param>
    /// <returns>The chunk, or <see langword="null"/>.</returns>
    public async ValueTask<HttpRequestBody?> ReadAsync(CancellationToken aborted)
    {
        _pump ??= Task.Run(() => PumpAsync(aborted), CancellationToken.None);
        try
        {
            if (await _chunks.Reader.WaitToReadAsync(aborted).ConfigureAwait(false) && _chunks.Reader.TryRead(out var chunk))
            {
                return chunk;
            }
        }
        catch (OperationCanceledException)
        {
        }

        return null;
    }

    private async Task PumpAsync(CancellationToken aborted)
    {
        Exception? failure = null;
        try
        {
            var stream = new ChunkStream(this, aborted);
            await _content.CopyToAsync(stream, aborted).ConfigureAwait(false);
            if (_length is null || stream.Written < _length)
            {
                await _chunks.Writer.WriteAsync(HttpRequestBody.Empty, aborted).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            _chunks.Writer.TryComplete(failure);
        }
    }

    /// <summary>A write-only stream turning each write into a chunk.</summary>
    private sealed class ChunkStream(RequestBodySource owner, CancellationToken aborted) : Stream
    {
        public long Written { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) =>
            WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.IsEmpty)
            {
                return;
            }

            Written += buffer.Length;
            var more = owner._length is not { } length || Written < length;
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, aborted);
            await owner._chunks.Writer.WriteAsync(new HttpRequestBody(buffer.ToArray(), more), linked.Token).ConfigureAwait(false);
        }
    }
}
