namespace AsgiBridge.Toolkit;

/// <summary>Settings of a <see cref="WebSocketRoom"/>.</summary>
public sealed class WebSocketRoomOptions
{
    /// <summary>
    /// How many messages may wait in one member's outbound queue (default 100, the per-channel capacity of the channel
    /// layer). A broadcast that finds a member's queue full drops that member instead of waiting for it.
    /// </summary>
    public int MaxQueuedMessages { get; set; } = 100;

    /// <summary>
    /// The close code a member dropped for a full queue gets (default 1008, policy violation: the code the bridge itself
    /// uses when a connection's send queue overflows). 1013 (try again later) is the other usual choice.
    /// </summary>
    public int OverflowCloseCode { get; set; } = 1008;

    /// <summary>The shortest time between two Warning lines about dropped members (default 10 seconds); each line counts the drops since the previous one.</summary>
    public TimeSpan DropLogInterval { get; set; } = TimeSpan.FromSeconds(10);

    internal void Validate()
    {
        if (MaxQueuedMessages < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxQueuedMessages), MaxQueuedMessages, "A member's queue must hold at least one message.");
        }

        if (OverflowCloseCode is < 1000 or > 4999 or 1004 or 1005 or 1006 or 1015)
        {
            throw new ArgumentOutOfRangeException(nameof(OverflowCloseCode), OverflowCloseCode, "Use a close code that can be sent: 1000–4999, except 1004, 1005, 1006 and 1015.");
        }

        if (DropLogInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(DropLogInterval), DropLogInterval, "The interval cannot be negative.");
        }
    }
}
