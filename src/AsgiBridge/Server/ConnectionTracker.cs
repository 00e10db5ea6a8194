namespace AsgiBridge.Server;

/// <summary>
/// The connections the bridge is serving, so a graceful shutdown can tell each one the server is stopping and cut the
/// ones that outlive the drain. An intrusive list: adding and removing a connection is a lock and four pointer writes,
/// with no allocation.
/// </summary>
internal sealed class ConnectionTracker
{
    private readonly Lock _sync = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HttpContextConnection? _head;
    private int _count;
    private bool _stopping;

    /// <summary>How many connections are open.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Whether the server is stopping (new connections are told at once).</summary>
    public bool IsStopping => Volatile.Read(ref _stopping);

    /// <summary>Completes when the server is stopping and no connection is left.</summary>
    public Task Drained => _drained.Task;

    /// <summary>Adds a connection that starts being served.</summary>
    /// <param name="connection">The connection.</param>
    /// <returns><see langword="true"/> when the server is stopping (the connection should be told so).</returns>
    public bool Add(HttpContextConnection connection)
    {
        lock (_sync)
        {
            connection.TrackedNext = _head;
            connection.TrackedPrevious = null;
            if (_head is not null)
            {
                _head.TrackedPrevious = connection;
            }

            _head = connection;
            _count++;
            return _stopping;
        }
    }

    /// <summary>Removes a connection whose application has finished.</summary>
    /// <param name="connection">The connection.</param>
    public void Remove(HttpContextConnection connection)
    {
        bool drained;
        lock (_sync)
        {
            if (connection.TrackedPrevious is { } previous)
            {
                previous.TrackedNext = connection.TrackedNext;
            }
            else if (ReferenceEquals(_head, connection))
            {
                _head = connection.TrackedNext;
            }
            else
            {
                return;
            }

            if (connection.TrackedNext is { } next)
            {
                next.TrackedPrevious = connection.TrackedPrevious;
            }

            connection.TrackedNext = null;
            connection.TrackedPrevious = null;
            _count--;
            drained = _stopping && _count == 0;
        }

        if (drained)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>Tells every open connection that the server is stopping; connections added later learn it from <see cref="Add"/>.</summary>
    /// <returns>How many connections were open.</returns>
    public int SignalStopping()
    {
        int count;
        lock (_sync)
        {
            _stopping = true;
            count = _count;

            // Under the lock, so a connection that ends meanwhile is never told about another request's context.
            foreach (var connection in Snapshot())
            {
                connection.OnServerStopping();
            }
        }

        if (count == 0)
        {
            _drained.TrySetResult();
        }

        return count;
    }

    /// <summary>Cuts every connection still open.</summary>
    /// <returns>How many connections were cut.</returns>
    public int AbortAll()
    {
        lock (_sync)
        {
            var open = Snapshot();
            foreach (var connection in open)
            {
                connection.AbortForShutdown();
            }

            return open.Count;
        }
    }

    private List<HttpContextConnection> Snapshot()
    {
        var list = new List<HttpContextConnection>(_count);
        for (var node = _head; node is not null; node = node.TrackedNext)
        {
            list.Add(node);
        }

        return list;
    }
}
