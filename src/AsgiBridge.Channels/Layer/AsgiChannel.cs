using System.Runtime.CompilerServices;

namespace AsgiBridge.Channels;

/// <summary>
/// A process-local channel owned by one connection: made with <see cref="OpenAsync"/>, joined to groups, read with
/// <see cref="ReceiveAsync"/> or <see cref="ReadAllAsync"/>, and discarded with its memberships by <see cref="DisposeAsync"/>
/// (<c>await using</c>), so a connection that ends leaves nothing behind in the layer.
/// </summary>
public sealed class AsgiChannel : IAsyncDisposable
{
    private int _disposed;

    private AsgiChannel(IAsgiChannelLayer layer, string name)
    {
        Layer = layer;
        Name = name;
    }

    /// <summary>The layer the channel belongs to.</summary>
    public IAsgiChannelLayer Layer { get; }

    /// <summary>The channel's name, which any instance can send to.</summary>
    public string Name { get; }

    /// <summary>Makes a new channel on <paramref name="layer"/>.</summary>
    /// <param name="layer">The layer.</param>
    /// <param name="prefix">The name's prefix; default the layer's.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The channel.</returns>
    public static async ValueTask<AsgiChannel> OpenAsync(IAsgiChannelLayer layer, string? prefix = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return new AsgiChannel(layer, await layer.NewChannelAsync(prefix, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Adds the channel to a group (<c>group_add</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the membership holds on every instance.</returns>
    public ValueTask JoinAsync(string group, CancellationToken cancellationToken = default) => Layer.GroupAddAsync(group, Name, cancellationToken);

    /// <summary>Removes the channel from a group (<c>group_discard</c>).</summary>
    /// <param name="group">The group.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the membership is gone.</returns>
    public ValueTask LeaveAsync(string group, CancellationToken cancellationToken = default) => Layer.GroupDiscardAsync(group, Name, cancellationToken);

    /// <summary>Waits for the next message.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The message.</returns>
    public ValueTask<ChannelMessage> ReceiveAsync(CancellationToken cancellationToken = default) => Layer.ReceiveAsync(Name, cancellationToken);

    /// <summary>Yields messages as they arrive until <paramref name="cancellationToken"/> is cancelled or the channel is disposed.</summary>
    /// <param name="cancellationToken">Ends the sequence.</param>
    /// <returns>The messages.</returns>
    public async IAsyncEnumerable<ChannelMessage> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (!cancellationToken.IsCancellationRequested && Volatile.Read(ref _disposed) == 0)
        {
            ChannelMessage message;
            try
            {
                message = await Layer.ReceiveAsync(Name, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }
            catch (ArgumentException) when (Volatile.Read(ref _disposed) != 0)
            {
                yield break;   // disposed while waiting
            }

            yield return message;
        }
    }

    /// <summary>Discards the channel and its group memberships.</summary>
    /// <returns>A task that completes when done.</returns>
    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _disposed, 1) == 0 ? Layer.DiscardChannelAsync(Name) : ValueTask.CompletedTask;
}
