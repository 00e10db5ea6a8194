using AsgiBridge.Messages;
using Microsoft.AspNetCore.Http;

namespace AsgiBridge.Server;

/// <summary>
/// A connection whose scope keys come from an ASP.NET Core request: the shared base of the HTTP and WebSocket cycles.
/// The stamp changes when the application that holds the current scope has finished (<see cref="EndApplication"/>).
/// </summary>
internal abstract class HttpContextConnection : AsgiConnection
{
    private int _generation;

    /// <summary>The previous connection in the <see cref="ConnectionTracker"/>'s list.</summary>
    internal HttpContextConnection? TrackedPrevious { get; set; }

    /// <summary>The next connection in the <see cref="ConnectionTracker"/>'s list.</summary>
    internal HttpContextConnection? TrackedNext { get; set; }

    /// <summary>Whether the connection was counted as active when it started (so its end is counted too).</summary>
    internal bool MetricsTracked { get; set; }

    /// <summary>When the connection started, for its duration; 0 when durations are not recorded.</summary>
    internal long MetricsStarted { get; set; }

    /// <summary>The connection's activity, when a listener sampled one.</summary>
    internal System.Diagnostics.Activity? Activity { get; set; }

    /// <summary>The request; valid while the connection is in use.</summary>
    protected HttpContext Context { get; set; } = null!;

    /// <summary>The bridge's instruments, counting the messages of every connection.</summary>
    protected Diagnostics.AsgiMetrics Metrics { get; set; } = null!;

    /// <summary>
    /// Step 2's entry, shared by both cycles: a <c>receive</c> kept after its application returned raises; otherwise the
    /// cycle reads the next event. Every call is counted.
    /// </summary>
    /// <param name="generation">The stamp the call carries.</param>
    /// <returns>The next event.</returns>
    public sealed override ValueTask<AsgiMessage> ReceiveAsync(int generation) =>
        Metrics.CountReceived(IsCurrent(generation) ? ReceiveCurrent() : ValueTask.FromException<AsgiMessage>(Ended(null)));

    /// <summary>
    /// The entry of every <c>send</c>, shared by both cycles: no message, or a <c>send</c> kept after its application
    /// returned, raises; otherwise the message is counted and the cycle sends it.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="generation">The stamp the call carries.</param>
    /// <returns>A task that completes when the message was handled.</returns>
    public sealed override ValueTask SendAsync(AsgiMessage message, int generation)
    {
        if (message is null)
        {
            return ValueTask.FromException(new ArgumentNullException(nameof(message)));
        }

        if (!IsCurrent(generation))
        {
            return ValueTask.FromException(Ended(message));
        }

        if (Metrics.MessagesEnabled)
        {
            Metrics.MessageSent(message.Type);
        }

        return SendCurrent(message);
    }

    /// <summary>Reads the next event for the current application instance.</summary>
    /// <returns>The event.</returns>
    protected abstract ValueTask<AsgiMessage> ReceiveCurrent();

    /// <summary>Sends a message of the current application instance.</summary>
    /// <param name="message">The message, not null.</param>
    /// <returns>A task that completes when the message was handled.</returns>
    protected abstract ValueTask SendCurrent(AsgiMessage message);

    /// <inheritdoc />
    public sealed override int Generation => Volatile.Read(ref _generation);

    /// <inheritdoc />
    public sealed override object? Transport => Context;

    /// <summary>
    /// Marks the current application instance as finished: its scope, <c>receive</c> and <c>send</c> stop working from
    /// here on, whatever still holds them.
    /// </summary>
    public void EndApplication() => Interlocked.Increment(ref _generation);

    /// <summary>Whether a call made with <paramref name="generation"/> belongs to the current application instance.</summary>
    /// <param name="generation">The stamp the call carries.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    protected bool IsCurrent(int generation) => generation == Volatile.Read(ref _generation);

    /// <summary>The error for a <c>receive</c> or <c>send</c> kept after the application that owned it returned.</summary>
    /// <param name="message">The message being sent, if any.</param>
    /// <returns>The exception to raise.</returns>
    protected static AsgiClientDisconnectedException Ended(AsgiMessage? message) => new(message is null
        ? "receive() was called after the ASGI application that owns it returned; its connection is closed."
        : $"send('{message.Type}') was called after the ASGI application that owns it returned; its connection is closed.");

    /// <summary>
    /// The server is stopping: a WebSocket closes with the shutdown code, an HTTP request's pending <c>receive</c> returns
    /// <c>http.disconnect</c> and its later sends raise. Called on the stopping thread: must not block.
    /// </summary>
    public abstract void OnServerStopping();

    /// <summary>The drain ran out: cut the connection.</summary>
    public void AbortForShutdown() => Context.Abort();

    /// <inheritdoc />
    public override string ReadHttpVersion() => HttpContextScopeReader.HttpVersion(Context);

    /// <inheritdoc />
    public override string ReadMethod() => HttpContextScopeReader.Method(Context);

    /// <inheritdoc />
    public override string ReadPath() => HttpContextScopeReader.Path(Context);

    /// <inheritdoc />
    public override ReadOnlyMemory<byte>? ReadRawPath() => HttpContextScopeReader.RawPath(Context);

    /// <inheritdoc />
    public override ReadOnlyMemory<byte> ReadQueryString() => HttpContextScopeReader.QueryString(Context);

    /// <inheritdoc />
    public override string ReadRootPath() => Context.Request.PathBase.Value ?? string.Empty;

    /// <inheritdoc />
    public override IReadOnlyList<AsgiHeader> ReadHeaders() => new RequestHeaderView(this);

    /// <inheritdoc />
    public override AsgiAddress? ReadClient() => HttpContextScopeReader.Client(Context);

    /// <inheritdoc />
    public override AsgiAddress? ReadServer() => HttpContextScopeReader.Server(Context);

    /// <inheritdoc />
    public override IReadOnlyList<string> ReadSubprotocols() => [.. Context.WebSockets.WebSocketRequestedProtocols];
}
