using System.Threading.Channels;

namespace AsgiBridge.Channels.Local;

/// <summary>
/// The queue behind one process-local channel: bounded to the layer's capacity, FIFO, every entry stamped with the time it
/// expires. Writers never wait: a full queue first sheds its expired head (entries expire in arrival order) and then refuses.
/// Readers skip expired entries. The lock only orders the writer's shedding against readers taking entries; waiting for an
/// entry happens outside it.
/// </summary>
internal sealed class LocalChannel
{
    private readonly Channel<QueuedMessage> _queue;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _groups = new(StringComparer.Ordinal);

    public LocalChannel(string name, int capacity)
    {
        Name = name;
        _queue = Channel.CreateBounded<QueuedMessage>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,   // with TryWrite only: "full" is reported, never waited on
            SingleReader = false,
            SingleWriter = false,
            AllowSynchronousContinuations = false,    // a sender never runs the receiver's continuation inline
        });
    }

    public string Name { get; }

    /// <summary>Whether the channel was discarded.</summary>
    public bool IsClosed { get; private set; }

    /// <summary>Queues a message without waiting.</summary>
    /// <param name="message">The message.</param>
    /// <param name="now">The current timestamp.</param>
    /// <param name="expiresAt">When the message expires.</param>
    /// <param name="expiredShed">How many expired entries were dropped to make room.</param>
    /// <returns>Whether the message was queued (<see langword="false"/>: full or discarded).</returns>
    public bool TryWrite(ChannelMessage message, long now, long expiresAt, out int expiredShed)
    {
        expiredShed = 0;
        var entry = new QueuedMessage(message, expiresAt);
        if (_queue.Writer.TryWrite(entry))
        {
            return true;
        }

        lock (_gate)
        {
            while (_queue.Reader.TryPeek(out var head) && head.ExpiresAt <= now)
            {
                _queue.Reader.TryRead(out _);
                expiredShed++;
            }
        }

        return expiredShed > 0 && _queue.Writer.TryWrite(entry);
    }

    /// <summary>Takes the next unexpired message if one is waiting.</summary>
    /// <param name="now">The current timestamp.</param>
    /// <param name="message">The message.</param>
    /// <param name="expiredSkipped">How many expired entries were dropped on the way.</param>
    /// <returns>Whether a message was taken.</returns>
    public bool TryRead(long now, out ChannelMessage message, out int expiredSkipped)
    {
        expiredSkipped = 0;
        lock (_gate)
        {
            while (_queue.Reader.TryRead(out var entry))
            {
                if (entry.ExpiresAt > now)
                {
                    message = entry.Message;
                    return true;
                }

                expiredSkipped++;
            }
        }

        message = null!;
        return false;
    }

    /// <summary>Waits until an entry may be waiting; <see langword="false"/> once the channel is discarded and empty.</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) => _queue.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>Discards the channel: writers are refused, waiting readers wake up.</summary>
    /// <returns>The groups the channel was a member of.</returns>
    public string[] Close()
    {
        lock (_groups)
        {
            IsClosed = true;
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out _))
            {
                // Waiting messages go with the channel.
            }

            var groups = _groups.ToArray();
            _groups.Clear();
            return groups;
        }
    }

    /// <summary>Records that the channel joined a group; <see langword="false"/> when it is already discarded.</summary>
    public bool Joined(string group)
    {
        lock (_groups)
        {
            if (IsClosed)
            {
                return false;
            }

            _groups.Add(group);
            return true;
        }
    }

    /// <summary>Records that the channel left a group.</summary>
    public void Left(string group)
    {
        lock (_groups)
        {
            _groups.Remove(group);
        }
    }

    private readonly record struct QueuedMessage(ChannelMessage Message, long ExpiresAt);
}
