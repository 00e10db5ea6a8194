using AsgiBridge.Hosting;
using Microsoft.AspNetCore.Http;

namespace AsgiBridge.Testing.Hosting;

/// <summary>
/// One connection (an HTTP request or a WebSocket) as the test client tracks it: the server-side
/// <see cref="HttpContext"/>, attached before the server runs the request, and a signal raised when the server's pipeline
/// has finished with it — by then the bridge has stored the connection's <see cref="AsgiConnectionOutcome"/>.
/// Each request gets its own slot, so concurrent requests never share one.
/// </summary>
internal sealed class ConnectionSlot
{
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HttpContext? _context;

    /// <summary>What the application sent in <c>http.response.debug</c>, when the client owns the host.</summary>
    public IReadOnlyDictionary<string, object?>? DebugInfo { get; set; }

    /// <summary>Whether the server has finished the connection.</summary>
    public bool IsFinished => _finished.Task.IsCompleted;

    /// <summary>The outcome, once the server finished; <see langword="null"/> before, or when no ASGI application served it.</summary>
    public AsgiConnectionOutcome? Outcome => IsFinished ? _context?.GetAsgiOutcome() : null;

    /// <summary>
    /// The outcome if the bridge has already recorded it (it does so as its last act, even when it then lets an exception
    /// reach the server, after which TestServer fires no completion callbacks); otherwise <see langword="null"/>.
    /// </summary>
    public AsgiConnectionOutcome? RecordedOutcome => _context?.GetAsgiOutcome();

    /// <summary>Attaches the server-side context (called from TestServer's per-request configuration, before the pipeline runs).</summary>
    /// <param name="context">The request's context.</param>
    public void Attach(HttpContext context)
    {
        _context = context;
        context.Features.Set(this);
        // Fired by TestServer once the whole pipeline has returned (the bridge has set the outcome by then).
        context.Response.OnCompleted(static state =>
        {
            ((ConnectionSlot)state).Finish();
            return Task.CompletedTask;
        }, this);
    }

    /// <summary>Marks the connection finished (idempotent).</summary>
    public void Finish() => _finished.TrySetResult();

    /// <summary>Waits until the server has finished the connection and returns its outcome.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The outcome, or <see langword="null"/> when no ASGI application served the request.</returns>
    /// <exception cref="TimeoutException">The application is still running.</exception>
    public async Task<AsgiConnectionOutcome?> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (RecordedOutcome is { } recorded)
        {
            return recorded;
        }

        try
        {
            await _finished.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The ASGI application did not finish within {timeout} (AsgiTestClientOptions.Timeout).");
        }

        return _context?.GetAsgiOutcome();
    }
}
