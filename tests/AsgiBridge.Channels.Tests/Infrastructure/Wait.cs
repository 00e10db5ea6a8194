namespace AsgiBridge.Channels.Tests.Infrastructure;

/// <summary>Timeouts for awaiting signals: a broken feature fails the test in seconds instead of hanging it.</summary>
public static class Wait
{
    /// <summary>How long a test waits for a message that should arrive.</summary>
    public static readonly TimeSpan ForMessage = TimeSpan.FromSeconds(10);

    /// <summary>A token cancelled after <see cref="ForMessage"/>.</summary>
    public static CancellationToken Token() => new CancellationTokenSource(ForMessage).Token;

    /// <summary>Receives the next message or fails the test.</summary>
    public static async Task<ChannelMessage> ReceiveWithinAsync(this IAsgiChannelLayer layer, string channel) =>
        await layer.ReceiveAsync(channel, Token());
}
