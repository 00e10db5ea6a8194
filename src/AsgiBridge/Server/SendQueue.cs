namespace AsgiBridge.Server;

/// <summary>
/// Serialises the <c>send</c> calls of one connection in call order, as the Python servers do when several tasks share one
/// <c>send</c> (a chat room broadcasting to its members): each call waits for the ones before it, and completes when its
/// own event was written. Uncontended, entering and leaving cost one interlocked operation each and allocate nothing; a
/// waiting call allocates one completion. The number of waiting calls and the bytes they carry are bounded by the caller.
/// </summary>
internal sealed class SendQueue
{
    private readonly Lock _sync = new();
    private readonly Queue<Waiter> _waiters = new();
    private int _held;
    private int _waiting;
    private long _waitingBytes;
    private Exception? _failure;

    /// <summary>Whether a call holds the queue (is sending).</summary>
    public bool IsHeld => Volatile.Read(ref _held) != 0;

    /// <summary>How many calls are waiting behind the one that is sending.</summary>
    public int WaitingCount => Volatile.Read(ref _waiting);

    /// <summary>Takes the queue when it is free and not failed; the caller then sends and calls <see cref="Exit"/>.</summary>
    /// <returns><see langword="true"/> when the caller holds the queue.</returns>
    public bool TryEnter() => Volatile.Read(ref _failure) is null && Interlocked.CompareExchange(ref _held, 1, 0) == 0;

    /// <summary>
    /// Queues a call behind the ones already waiting. Returns a task that completes when the call holds the queue (then it
    /// sends and calls <see cref="Exit"/>), a faulted task once the queue failed, or <see langword="null"/> when accepting
    /// the call would exceed the limits (the caller applies its overflow policy).
    /// </summary>
    /// <param name="bytes">The size of the event, counted against <paramref name="maxWaitingBytes"/>.</param>
    /// <param name="maxWaiting">The most calls that may wait.</param>
    /// <param name="maxWaitingBytes">The most bytes the waiting calls may carry.</param>
    /// <returns>The task, or <see langword="null"/> on overflow.</returns>
    public Task? TryQueue(long bytes, int maxWaiting, long maxWaitingBytes)
    {
        lock (_sync)
        {
            if (_failure is { } failure)
            {
                return Task.FromException(failure);
            }

            if (Interlocked.CompareExchange(ref _held, 1, 0) == 0)
            {
                return Task.CompletedTask;
            }

            if (_waiters.Count >= maxWaiting || (_waiters.Count > 0 && _waitingBytes + bytes > maxWaitingBytes))
            {
                return null;
            }

            var waiter = new Waiter(bytes, exclusive: false);
            _waiters.Enqueue(waiter);
            _waitingBytes += bytes;
            Interlocked.Increment(ref _waiting);
            HandOffIfReleased();
            return waiter.Task;
        }
    }

    /// <summary>
    /// Waits until the call that is sending (if any) has finished and takes the queue, even after it failed: the bridge's
    /// own last word on the connection (its error response, its close) goes after the application's last send.
    /// </summary>
    /// <returns>A task that completes when the caller holds the queue; it then calls <see cref="Exit"/>.</returns>
    public Task EnterExclusiveAsync()
    {
        lock (_sync)
        {
            if (Interlocked.CompareExchange(ref _held, 1, 0) == 0)
            {
                return Task.CompletedTask;
            }

            var waiter = new Waiter(0, exclusive: true);
            _waiters.Enqueue(waiter);
            Interlocked.Increment(ref _waiting);
            HandOffIfReleased();
            return waiter.Task;
        }
    }

    /// <summary>Leaves the queue, handing it to the next waiting call.</summary>
    public void Exit()
    {
        if (Volatile.Read(ref _waiting) == 0)
        {
            Interlocked.Exchange(ref _held, 0);

            // A call may have queued between the check and the release: take the queue back to hand it over.
            if (Volatile.Read(ref _waiting) == 0 || Interlocked.CompareExchange(ref _held, 1, 0) != 0)
            {
                return;
            }
        }

        HandOff();
    }

    /// <summary>
    /// Fails the waiting calls and every later one with <paramref name="exception"/> (the connection closed); the call that
    /// is sending finishes on its own, and <see cref="EnterExclusiveAsync"/> still works.
    /// </summary>
    /// <param name="exception">The error the calls raise.</param>
    public void Fail(Exception exception)
    {
        List<Waiter>? failed = null;
        lock (_sync)
        {
            _failure ??= exception;
            var count = _waiters.Count;
            for (var i = 0; i < count; i++)
            {
                var waiter = _waiters.Dequeue();
                if (waiter.Exclusive)
                {
                    _waiters.Enqueue(waiter);
                    continue;
                }

                _waitingBytes -= waiter.Bytes;
                Interlocked.Decrement(ref _waiting);
                (failed ??= []).Add(waiter);
            }
        }

        if (failed is not null)
        {
            foreach (var waiter in failed)
            {
                waiter.TrySetException(exception);
            }
        }
    }

    /// <summary>Clears the queue for the next connection; only called when nothing holds or waits.</summary>
    public void Reset()
    {
        // The usual case, an idle queue that never failed: nothing to clear, and no lock to take per request.
        if (_waiters.Count == 0 && Volatile.Read(ref _waitingBytes) == 0 && Volatile.Read(ref _waiting) == 0 && Volatile.Read(ref _held) == 0 && Volatile.Read(ref _failure) is null)
        {
            return;
        }

        lock (_sync)
        {
            _waiters.Clear();
            _waitingBytes = 0;
            _waiting = 0;
            _held = 0;
            _failure = null;
        }
    }

    /// <summary>
    /// Called under the lock right after a call was queued. The sender may have left between the queuing call's failed
    /// attempt to take the queue and its count becoming visible: <see cref="Exit"/> then saw nobody waiting and released
    /// the queue, and nobody would ever hand it on. Whoever takes the released queue first (this or <see cref="Exit"/>'s
    /// second look) hands it to the first waiting call.
    /// </summary>
    private void HandOffIfReleased()
    {
        if (Volatile.Read(ref _held) != 0 || Interlocked.CompareExchange(ref _held, 1, 0) != 0)
        {
            return;
        }

        DequeueLocked()!.TrySetResult();   // its continuation runs asynchronously, not under this lock
    }

    private void HandOff()
    {
        Waiter? next;
        lock (_sync)
        {
            next = DequeueLocked();
            if (next is null)
            {
                Interlocked.Exchange(ref _held, 0);
            }
        }

        // The queue now belongs to the next call (it stays held); its continuation runs elsewhere.
        next?.TrySetResult();
    }

    /// <summary>Takes the first waiting call off the queue, under the lock; <see langword="null"/> when none waits.</summary>
    private Waiter? DequeueLocked()
    {
        if (!_waiters.TryDequeue(out var next))
        {
            return null;
        }

        _waitingBytes -= next.Bytes;
        Interlocked.Decrement(ref _waiting);
        return next;
    }

    private sealed class Waiter(long bytes, bool exclusive) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public long Bytes { get; } = bytes;

        public bool Exclusive { get; } = exclusive;
    }
}
