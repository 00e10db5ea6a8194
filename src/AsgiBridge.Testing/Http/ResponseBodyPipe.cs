using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace AsgiBridge.Testing.Http;

/// <summary>
/// Carries response body chunks from the application's <c>send</c> to the test, one element per chunk, with
/// backpressure (a bounded queue). The end of the body is signalled when the application finishes, so an exception
/// the application raises after its last chunk still reaches the reader; a failed end re-throws that exception.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The token source has no timer; it only signals a client disconnect and is left to the GC with the exchange.")]
internal sealed class ResponseBodyPipe
{
    private readonly Channel<ReadOnlyMemory<byte>> _chunks = Channel.CreateBounded<ReadOnlyMemory<byte>>(
        new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });

    private readonly CancellationTokenSource _readerGone = new();
    private readonly Action _onReaderGone;
    private Exception? _failure;

    public ResponseBodyPipe(Action onReaderGone)
    {
        _onReaderGone = onReaderGone;
    }

    /// <summary>Whether the reader stopped reading (disposed the response).</summary>
    public bool IsReaderGone => _readerGone.IsCancellationRequested;

    /// <summary>Queues a copy of a chunk; waits while the reader is behind.</summary>
    /// <param name="chunk">The bytes.</param>
    /// <returns><see langword="false"/> when the reader has gone away.</returns>
    public async ValueTask<bool> WriteAsync(ReadOnlyMemory<byte> chunk)
    {
        if (IsReaderGone)
        {
            return false;
        }

        try
        {
            await _chunks.Writer.WriteAsync(chunk.ToArray(), _readerGone.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    /// <summary>Ends the body, successfully or with the exception the reader will see.</summary>
    /// <param name="failure">The exception, or <see langword="null"/>.</param>
    public void Complete(Exception? failure)
    {
        Volatile.Write(ref _failure, failure);
        _chunks.Writer.TryComplete();
    }

    /// <summary>Reads the chunks until the body ends.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The chunks, in order.</returns>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await _chunks.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (_chunks.Reader.TryRead(out var chunk))
            {
                yield return chunk;
            }
        }

        ThrowIfFailed();
    }

    /// <summary>Reads the next chunk, or an empty memory at the end of the body.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The chunk; empty at the end.</returns>
    public async ValueTask<ReadOnlyMemory<byte>> ReadAsync(CancellationToken cancellationToken)
    {
        while (await _chunks.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_chunks.Reader.TryRead(out var chunk))
            {
                return chunk;
            }
        }

        ThrowIfFailed();
        return ReadOnlyMemory<byte>.Empty;
    }

    /// <summary>The reader stops reading: pending and later writes fail, and the exchange sees a client disconnect.</summary>
    public void ReaderGone()
    {
        if (IsReaderGone)
        {
            return;
        }

        _readerGone.Cancel();
        _onReaderGone();
    }

    private void ThrowIfFailed()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }
}
