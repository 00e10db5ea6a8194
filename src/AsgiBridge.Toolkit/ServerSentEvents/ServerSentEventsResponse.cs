using System.Runtime.CompilerServices;

namespace AsgiBridge.Toolkit;

/// <summary>
/// A <c>text/event-stream</c> response: sends each <see cref="ServerSentEvent"/> as it is produced, a keep-alive comment
/// when nothing was sent for <see cref="KeepAliveInterval"/>, and stops cleanly when the client goes away (the sequence's
/// token is cancelled).
/// </summary>
public sealed class ServerSentEventsResponse : StreamingResponse
{
    private static readonly TimeSpan DefaultKeepAlive = TimeSpan.FromSeconds(15);
    private static readonly ReadOnlyMemory<byte> s_keepAlive = ": keep-alive\n\n"u8.ToArray();

    /// <summary>Creates the response.</summary>
    /// <param name="events">Produces the events; observe the token to stop when the client goes away.</param>
    /// <param name="keepAliveInterval">
    /// How long to stay silent before sending a <c>: keep-alive</c> comment (default 15 s, under the 30–60 s idle timeouts of
    /// common proxies and load balancers; <see cref="Timeout.InfiniteTimeSpan"/> for never). Clients ignore comments.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keepAliveInterval"/> is zero or negative (other than infinite).</exception>
    public ServerSentEventsResponse(Func<CancellationToken, IAsyncEnumerable<ServerSentEvent>> events, TimeSpan? keepAliveInterval = null)
        : base(token => Encode(events ?? throw new ArgumentNullException(nameof(events)), ValidKeepAlive(keepAliveInterval), token), 200, "text/event-stream")
    {
        KeepAliveInterval = ValidKeepAlive(keepAliveInterval);
        Headers.Add(new AsgiHeader("cache-control", "no-cache"));
        Headers.Add(new AsgiHeader("x-accel-buffering", "no"));
    }

    /// <summary>The keep-alive interval (<see cref="Timeout.InfiniteTimeSpan"/>: no comments).</summary>
    public TimeSpan KeepAliveInterval { get; }

    /// <summary>A zero interval would send comments in a busy loop; a negative one means nothing.</summary>
    private static TimeSpan ValidKeepAlive(TimeSpan? keepAliveInterval) => keepAliveInterval switch
    {
        null => DefaultKeepAlive,
        { } value when value == Timeout.InfiniteTimeSpan || value > TimeSpan.Zero => value,
        { } value => throw new ArgumentOutOfRangeException(nameof(keepAliveInterval), value, "The keep-alive interval must be positive, or Timeout.InfiniteTimeSpan for none."),
    };

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Encode(
        Func<CancellationToken, IAsyncEnumerable<ServerSentEvent>> events, TimeSpan keepAlive, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // An empty first chunk makes the server send the headers now: the client sees the stream open before any event.
        yield return ReadOnlyMemory<byte>.Empty;

        // The producer gets its own token so that, however this sequence ends, it is told to stop before its
        // enumerator is disposed (disposing an async iterator while a step is pending throws).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var enumerator = events(stop.Token).GetAsyncEnumerator(stop.Token);
        Task<bool>? next = null;
        try
        {
            while (true)
            {
                next ??= enumerator.MoveNextAsync().AsTask();
                if (!next.IsCompleted)
                {
                    // Wait for the next event, the keep-alive interval (which may be infinite) or the client's disconnect.
                    using var delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    var delay = Task.Delay(keepAlive, delayCancellation.Token);
                    var first = await Task.WhenAny(next, delay).ConfigureAwait(false);
                    await delayCancellation.CancelAsync().ConfigureAwait(false);
                    if (first != next)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        yield return s_keepAlive;
                        continue;
                    }
                }

                var more = await next.ConfigureAwait(false);
                next = null;
                if (!more)
                {
                    yield break;
                }

                yield return enumerator.Current.ToBytes();
            }
        }
        finally
        {
            // A producer that ignores the token may still be running: it cannot be disposed before it returns.
            await stop.CancelAsync().ConfigureAwait(false);
            await enumerator.DisposeWhenIdleAsync(next).ConfigureAwait(false);
        }
    }
}
