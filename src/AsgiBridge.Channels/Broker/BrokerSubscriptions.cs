namespace AsgiBridge.Channels.Broker;

/// <summary>
/// The subjects a broker should be subscribed to, for <see cref="IChannelLayerBroker"/> implementations: each one is live
/// (the client's subscription object) or pending (it could not be made, because the broker was unreachable). Pending ones
/// are made by <see cref="RestoreAsync"/> once the connection is back; changes run one at a time.
/// </summary>
/// <typeparam name="TSubscription">The client library's subscription object.</typeparam>
public sealed class BrokerSubscriptions<TSubscription> : IDisposable
    where TSubscription : class
{
    private readonly Func<string, Task<TSubscription?>> _trySubscribe;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, TSubscription?> _subjects = new(StringComparer.Ordinal);

    /// <summary>Creates the set.</summary>
    /// <param name="trySubscribe">
    /// Subscribes to a subject; returns <see langword="null"/> when that cannot be done now (disconnected), after undoing
    /// anything half made, so that <see cref="RestoreAsync"/> tries again.
    /// </param>
    public BrokerSubscriptions(Func<string, Task<TSubscription?>> trySubscribe)
    {
        _trySubscribe = trySubscribe ?? throw new ArgumentNullException(nameof(trySubscribe));
    }

    /// <summary>Adds a subject and subscribes to it if it is new.</summary>
    /// <param name="subject">The subject.</param>
    /// <returns>A task that completes when subscribed, or recorded as pending.</returns>
    public async Task AddAsync(string subject)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_subjects.TryAdd(subject, null))
            {
                _subjects[subject] = await _trySubscribe(subject).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Removes a subject.</summary>
    /// <param name="subject">The subject.</param>
    /// <returns>Its live subscription, for the caller to end; <see langword="null"/> when it had none.</returns>
    public async Task<TSubscription?> RemoveAsync(string subject)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            return _subjects.Remove(subject, out var subscription) ? subscription : null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Makes the pending subscriptions (call it when the connection is back).</summary>
    /// <returns>Whether every subject is now live.</returns>
    public async Task<bool> RestoreAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (var subject in _subjects.Where(s => s.Value is null).Select(s => s.Key).ToList())
            {
                _subjects[subject] = await _trySubscribe(subject).ConfigureAwait(false);
            }

            return _subjects.Values.All(s => s is not null);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets every subject.</summary>
    /// <returns>The live subscriptions, for the caller to end.</returns>
    public async Task<IReadOnlyList<TSubscription>> ClearAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var live = _subjects.Values.OfType<TSubscription>().ToList();
            _subjects.Clear();
            return live;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();
}
