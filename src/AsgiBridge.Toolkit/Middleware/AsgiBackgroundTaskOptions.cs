namespace AsgiBridge.Toolkit;

/// <summary>Options of <see cref="AsgiBackgroundTaskTracker"/>, set with <c>services.AddAsgiBackgroundTasks(o =&gt; …)</c>.</summary>
public sealed class AsgiBackgroundTaskOptions
{
    /// <summary>
    /// How long shutdown waits for running background tasks before cancelling their token (default 30 seconds). The
    /// host's own shutdown timeout bounds the wait too.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
