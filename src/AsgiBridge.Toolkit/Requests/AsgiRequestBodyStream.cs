namespace AsgiBridge.Toolkit;

/// <summary>A read-only stream over the request body as it arrives through ASGI <c>receive</c>; nothing is buffered whole.</summary>
internal sealed class AsgiRequestBodyStream : Stream
{
    private readonly AsgiRequest _request;
    private ReadOnlyMemory<byte> _current;
    private IAsyncEnumerator<ReadOnlyMemory<byte>>? _chunks;

    public AsgiRequestBodyStream(AsgiRequest request)
    {
        _request = request;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_current.IsEmpty)
        {
            _chunks ??= _request.StreamAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
            if (!await _chunks.MoveNextAsync().ConfigureAwait(false))
            {
                return 0;
            }

            _current = _chunks.Current;
        }

        var count = Math.Min(buffer.Length, _current.Length);
        _current[..count].CopyTo(buffer);
        _current = _current[count..];
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("The ASGI request body is asynchronous; use ReadAsync.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (_chunks is not null)
        {
            await _chunks.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }
}
