namespace AsgiBridge.Lifespan;

/// <summary>Whether and how the bridge runs the ASGI lifespan protocol for each registered application.</summary>
public enum LifespanMode
{
    /// <summary>
    /// Run the lifespan protocol; an application that raises (or returns) on the lifespan scope before answering
    /// <c>lifespan.startup</c> is taken not to support lifespan: this is logged once at Information and the host carries
    /// on without lifespan events and without <c>state</c>. <c>lifespan.startup.failed</c> still stops the host.
    /// </summary>
    Auto = 0,

    /// <summary>Run the lifespan protocol; any lifespan error (an exception, a protocol violation, a timeout) stops the host.</summary>
    On = 1,

    /// <summary>Never run the lifespan protocol; connection scopes get no <c>state</c>.</summary>
    Off = 2,
}
