using System.Runtime.CompilerServices;
using System.Text;

namespace AsgiBridge.Testing;

/// <summary>
/// A response whose body is read while the application is still sending it (server-sent events, long streams).
/// Disposing it before the end disconnects the client: the application's next <c>send</c> raises
/// <see cref="AsgiClientDisconnectedException"/> and its <c>receive</c> returns <c>http.disconnect</c>.
/// </summary>
public sealed class AsgiStreamingResponse : AsgiResponseHead, IAsyncDisposable, IDisposable
{
    internal AsgiStreamingResponse(HttpResponseMessage message)
        : base(message)
    {
    }

    /// <summary>
    /// Reads the body chunk by chunk, as the transport delivers it: in process, each <c>http.response.body</c> the
    /// application sends is flushed on its own, so a reader that keeps up sees one chunk per event (a slower one may see
    /// several merged, as over a real connection).
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The chunks, ending with the response (with exceptions raised, once the application has finished).</returns>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadChunksAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var stream = await Message.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            yield return buffer.AsMemory(0, read).ToArray();
        }
    }

    /// <summary>Reads the body as UTF-8 lines (without the line terminators), as they arrive; handy for server-sent events.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The lines.</returns>
    public async IAsyncEnumerable<string> ReadLinesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var stream = await Message.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            yield return line;
        }
    }

    /// <summary>Reads the rest of the body.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The bytes.</returns>
    public async Task<byte[]> ReadToEndAsync(CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await foreach (var chunk in ReadChunksAsync(cancellationToken).ConfigureAwait(false))
        {
            buffer.Write(chunk.Span);
        }

        return buffer.ToArray();
    }

    /// <inheritdoc />
    public void Dispose() => Message.Dispose();

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Message.Dispose();
        return ValueTask.CompletedTask;
    }
}
