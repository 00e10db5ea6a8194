using AsgiBridge.Messages;

namespace AsgiBridge.Toolkit;

/// <summary>
/// A response whose body comes from an async sequence of chunks, each sent (and flushed) as it is produced. When the
/// client disconnects, the sequence's cancellation token is cancelled and the response stops quietly, even if the
/// producer is waiting for something that ignores the token.
/// </summary>
public class StreamingResponse : AsgiResponse
{
    private static readonly Task s_never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously).Task;
    private readonly Func<CancellationToken, IAsyncEnumerable<ReadOnlyMemory<byte>>> _content;

    /// <summary>Creates the response.</summary>
    /// <param name="content">Produces the chunks; observe the token to stop when the client goes away.</param>
    /// <param name="status">The status code (default 200).</param>
    /// <param name="mediaType">The media type (default <c>application/octet-stream</c>).</param>
    public StreamingResponse(Func<CancellationToken, IAsyncEnumerable<ReadOnlyMemory<byte>>> content, int status = 200, string? mediaType = "application/octet-stream")
        : base(status, mediaType)
    {
        _content = content ?? throw new ArgumentNullException(nameof(content));
    }

    /// <summary>Creates the response from a sequence that does not take a token (it is enumerated with one).</summary>
    /// <param name="content">The chunks.</param>
    /// <param name="status">The status code (default 200).</param>
    /// <param name="mediaType">The media type.</param>
    public StreamingResponse(IAsyncEnumerable<ReadOnlyMemory<byte>> content, int status = 200, string? mediaType = "application/octet-stream")
        : this(token => (content ?? throw new ArgumentNullException(nameof(content))).WithCancellation(token).AsEnumerable(), status, mediaType)
    {
    }

    /// <summary>Whether the last execution stopped because the client went away.</summary>
    public bool ClientDisconnected { get; private set; }

    /// <inheritdoc />
    protected override async Task SendAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        using var disconnected = new CancellationTokenSource();
        var listener = scope is HttpScope http ? ListenAsync(AsgiRequest.FromScope(http, receive), disconnected) : Task.CompletedTask;
        var stop = scope is HttpScope ? listener : s_never;
        var chunks = _content(disconnected.Token).GetAsyncEnumerator(disconnected.Token);
        Task<bool>? pending = null;
        try
        {
            await send(new HttpResponseStart(Status, BuildHeaders(null))).ConfigureAwait(false);
            while (true)
            {
                var move = chunks.MoveNextAsync();
                bool more;
                if (move.IsCompleted)
                {
                    more = await move.ConfigureAwait(false);
                }
                else
                {
                    // Wait for the next chunk or the client's disconnect, whichever comes first.
                    pending = move.AsTask();
                    if (await Task.WhenAny(pending, stop).ConfigureAwait(false) != pending)
                    {
                        throw new OperationCanceledException(disconnected.Token);
                    }

                    more = await pending.ConfigureAwait(false);
                    pending = null;
                }

                if (!more)
                {
                    break;
                }

                await send(new HttpResponseBody(chunks.Current, moreBody: true)).ConfigureAwait(false);
            }

            await send(HttpResponseBody.Empty).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AsgiClientDisconnectedException || (ex is OperationCanceledException && disconnected.IsCancellationRequested))
        {
            // The client went away: nothing more can be sent, and that is not an error of the application.
            ClientDisconnected = true;
            await disconnected.CancelAsync().ConfigureAwait(false);
        }
        finally
        {
            await chunks.DisposeWhenIdleAsync(pending).ConfigureAwait(false);
        }

        await listener.ConfigureAwait(false);
    }

    private static async Task ListenAsync(AsgiRequest request, CancellationTokenSource disconnected)
    {
        await request.WaitForDisconnectAsync().ConfigureAwait(false);
        await disconnected.CancelAsync().ConfigureAwait(false);
    }
}
