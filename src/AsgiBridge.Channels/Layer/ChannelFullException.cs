namespace AsgiBridge.Channels;

/// <summary>
/// <c>ChannelFull</c> of the channel layer specification: <see cref="IAsgiChannelLayer.SendAsync"/> found the receiving
/// channel holding <see cref="ChannelLayerOptions.Capacity"/> unexpired messages. The message was not delivered; sends
/// never wait for room. (Group sends never raise it: a full member just misses the message.)
/// </summary>
public sealed class ChannelFullException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="channel">The full channel.</param>
    /// <param name="capacity">Its capacity.</param>
    public ChannelFullException(string channel, int capacity)
        : base($"The channel '{channel}' is full ({capacity} messages waiting); the message was not delivered.")
    {
        Channel = channel;
        Capacity = capacity;
    }

    /// <summary>Creates the exception.</summary>
    public ChannelFullException()
        : this("(unknown)", 0)
    {
    }

    /// <summary>Creates the exception with a message of its own.</summary>
    /// <param name="message">The message.</param>
    public ChannelFullException(string message)
        : base(message)
    {
        Channel = "(unknown)";
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ChannelFullException(string message, Exception innerException)
        : base(message, innerException)
    {
        Channel = "(unknown)";
    }

    /// <summary>The channel that was full.</summary>
    public string Channel { get; }

    /// <summary>The channel's capacity.</summary>
    public int Capacity { get; }
}
