using NATS.Client.Core;

namespace AsgiBridge.Channels.Nats;

/// <summary>How the channel layer reaches NATS.</summary>
public sealed class NatsChannelBrokerOptions
{
    /// <summary>The server URL, such as <c>nats://localhost:4222</c> (<c>ConnectionStrings:Nats</c>).</summary>
    public string Url { get; set; } = "nats://localhost:4222";

    /// <summary>
    /// The first token of every subject the layer uses (default <c>asgi</c>): <c>asgi.group.&lt;group&gt;</c> and
    /// <c>asgi.instance.&lt;id&gt;</c>. Applications sharing one NATS keep their groups apart with different prefixes.
    /// </summary>
    public string Prefix { get; set; } = "asgi";

    /// <summary>How long the start waits for a first connection before going on without one (default 5 s).</summary>
    public TimeSpan InitialConnectWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Changes the client options after the layer's defaults are applied (no echo of its own publishes, unlimited reconnects
    /// every 250 ms–1 s, publishes that fail instead of waiting while disconnected).
    /// </summary>
    public Func<NatsOpts, NatsOpts>? ConfigureConnection { get; set; }
}
