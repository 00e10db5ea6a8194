using AsgiBridge.Messages;

namespace AsgiBridge.Server;

/// <summary>
/// Lets a <c>receive</c> that starts while another one is still pending share that one's event instead of failing. A
/// receive raced against a timeout and abandoned (C#'s <c>Task.WhenAny(receive(), delay)</c>, Python's
/// <c>asyncio.wait_for(receive(), t)</c>) leaves its read pending; the next <c>receive</c> joins it and returns the event it
/// would have returned. Uncontended, it costs one interlocked operation on each side and allocates nothing.
/// </summary>
internal sealed class ReceiveSlot
{
    private readonly Lock _sync = new();
    private List<TaskCompletionSource<AsgiMessage>>? _joiners;
    private int _active;
    private int _joining;

    /// <summary>Whether a receive is reading.</summary>
    public bool IsActive => Volatile.Read(ref _active) != 0;

    /// <summary>Claims the slot for a read; the caller then calls <see cref="End"/> exactly once.</summary>
    /// <returns><see langword="true"/> when the caller reads; otherwise it should <see cref="Join"/>.</returns>
    public bool TryBegin() => Interlocked.CompareExchange(ref _active, 1, 0) == 0;

    /// <summary>Waits for the read in progress; <see langword="null"/> when it ended meanwhile (then try again).</summary>
    /// <returns>The read's event, or <see langword="null"/>.</returns>
    public Task<AsgiMessage>? Join()
    {
        Interlocked.Increment(ref _joining);
        lock (_sync)
        {
            if (Volatile.Read(ref _active) == 0)
            {
                Interlocked.Decrement(ref _joining);
                return null;
            }

            var joiner = new TaskCompletionSource<AsgiMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            (_joiners ??= []).Add(joiner);
            return joiner.Task;
        }
    }

    /// <summary>Ends the read and gives its event (or its error) to the receives that joined it.</summary>
    /// <param name="message">The event, or <see langword="null"/> when the read failed.</param>
    /// <param name="exception">The read's error, when it failed.</param>
    public void End(AsgiMessage? message, Exception? exception = null)
    {
        Interlocked.Exchange(ref _active, 0);
        if (Volatile.Read(ref _joining) == 0)
        {
            return;
        }

        List<TaskCompletionSource<AsgiMessage>>? joiners;
        lock (_sync)
        {
            joiners = _joiners;
            _joiners = null;
            if (joiners is not null)
            {
                Interlocked.Add(ref _joining, -joiners.Count);
            }
        }

        if (joiners is null)
        {
            return;
        }

        foreach (var joiner in joiners)
        {
            if (message is not null)
            {
                joiner.TrySetResult(message);
            }
            else
            {
                joiner.TrySetException(exception!);
            }
        }
    }

    /// <summary>Clears the slot for the next connection; only called when no read is active.</summary>
    public void Reset()
    {
        // The usual case, no receive ever joined another: nothing to clear, and no lock to take per request.
        if (Volatile.Read(ref _joiners) is null && Volatile.Read(ref _joining) == 0 && Volatile.Read(ref _active) == 0)
        {
            return;
        }

        lock (_sync)
        {
            _joiners = null;
            _joining = 0;
            _active = 0;
        }
    }
}
