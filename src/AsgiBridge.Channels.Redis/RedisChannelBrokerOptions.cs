using StackExchange.Redis;

namespace AsgiBridge.Channels.Redis;

/// <summary>How the channel layer reaches Redis.</summary>
public sealed class RedisChannelBrokerOptions
{
    /// <summary>A StackExchange.Redis configuration string, at its simplest <c>host:port</c> (<c>ConnectionStrings:Redis</c>).</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// The prefix of every Redis channel the layer uses (default <c>asgi</c>): <c>asgi:group:&lt;group&gt;</c> and
    /// <c>asgi:instance:&lt;id&gt;</c>. Applications sharing one Redis keep their groups apart with different prefixes.
    /// </summary>
    public string Prefix { get; set; } = "asgi";

    /// <summary>
    /// Changes the connection settings after the layer's defaults are applied (<c>AbortOnConnectFail = false</c>, fail-fast
    /// backlog, a reconnect attempt every second).
    /// </summary>
    public Action<ConfigurationOptions>? ConfigureConnection { get; set; }
}
