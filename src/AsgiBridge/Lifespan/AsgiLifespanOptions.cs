namespace AsgiBridge.Lifespan;

/// <summary>Lifespan settings of the ASGI bridge, reached through <see cref="Hosting.AsgiOptions.Lifespan"/>.</summary>
public sealed class AsgiLifespanOptions
{
    /// <summary>Whether the lifespan protocol runs (default <see cref="LifespanMode.Auto"/>).</summary>
    public LifespanMode Mode { get; set; } = LifespanMode.Auto;

    /// <summary>
    /// How long an application may take to answer <c>lifespan.startup</c> before the host fails to start
    /// (default 60 seconds; <see cref="Timeout.InfiniteTimeSpan"/> waits forever).
    /// </summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long an application may take to answer <c>lifespan.shutdown</c> before the bridge gives up waiting and lets
    /// the host stop (default 30 seconds; <see cref="Timeout.InfiniteTimeSpan"/> waits forever). The host's own
    /// <c>HostOptions.ShutdownTimeout</c> bounds the wait as well.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
