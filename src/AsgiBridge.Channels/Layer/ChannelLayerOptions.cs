namespace AsgiBridge.Channels;

/// <summary>
/// Limits of a channel layer; the defaults are those of channels_redis. Every backend applies them in each instance:
/// capacity and message expiry to the instance's own channels, group expiry to the memberships it keeps.
/// </summary>
public sealed class ChannelLayerOptions
{
    /// <summary>
    /// How many unexpired messages one channel holds before it is full (default 100). A direct send to a full channel of
    /// this instance raises <see cref="ChannelFullException"/>; a group send, or a send that arrives from another instance,
    /// drops the message for that channel only (counted and logged, rate-limited).
    /// </summary>
    public int Capacity { get; set; } = 100;

    /// <summary>How long a message waits in a channel before it is dropped unread (default 60 s).</summary>
    public TimeSpan MessageExpiry { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a group membership lasts unless <c>group_add</c> renews it (default 86,400 s, one day).</summary>
    public TimeSpan GroupExpiry { get; set; } = TimeSpan.FromSeconds(86_400);

    /// <summary>The prefix of names made by <see cref="IAsgiChannelLayer.NewChannelAsync"/> when none is given (default <c>specific</c>).</summary>
    public string ChannelNamePrefix { get; set; } = "specific";

    /// <summary>
    /// The largest serialized message a broker backend carries (default 1 MiB, NATS's default payload limit); a bigger
    /// message raises <see cref="InvalidChannelMessageException"/> before anything is delivered. The in-memory layer
    /// serializes nothing and does not check it.
    /// </summary>
    public int MaxMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>The shortest time between two log lines about dropped messages (default 10 s); drops are always counted.</summary>
    public TimeSpan DropLogInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws when an option is out of range, naming it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException"><see cref="ChannelNamePrefix"/> is not a valid name.</exception>
    internal void Validate()
    {
        if (Capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity, "ChannelLayerOptions.Capacity must be at least 1.");
        }

        if (MessageExpiry <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MessageExpiry), MessageExpiry, "ChannelLayerOptions.MessageExpiry must be positive.");
        }

        if (GroupExpiry <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(GroupExpiry), GroupExpiry, "ChannelLayerOptions.GroupExpiry must be positive.");
        }

        if (MaxMessageBytes < 64)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxMessageBytes), MaxMessageBytes, "ChannelLayerOptions.MaxMessageBytes must be at least 64.");
        }

        if (DropLogInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(DropLogInterval), DropLogInterval, "ChannelLayerOptions.DropLogInterval must not be negative.");
        }

        if (string.IsNullOrEmpty(ChannelNamePrefix) || !ChannelNames.AllNameCharacters(ChannelNamePrefix) || ChannelNamePrefix.Length > 40)
        {
            throw new ArgumentException($"ChannelLayerOptions.ChannelNamePrefix '{ChannelNamePrefix}' must be 1 to 40 ASCII letters, digits, '-', '_' or '.'.", nameof(ChannelNamePrefix));
        }
    }
}
