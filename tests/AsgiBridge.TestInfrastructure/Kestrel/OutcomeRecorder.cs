using System.Collections.Concurrent;
using AsgiBridge.Hosting;
using Microsoft.AspNetCore.Http;

namespace AsgiBridge.TestInfrastructure.Kestrel;

/// <summary>
/// Records the <see cref="AsgiConnectionOutcome"/> of every request once the pipeline has finished with it. A request
/// carrying <see cref="Header"/> is filed under that id (the header is removed before the application sees it, so
/// scopes are unchanged); every outcome is also appended to <see cref="All"/>. An exception that escapes the pipeline is
/// recorded too (and re-thrown, so Kestrel handles it as usual): waiting on that request's outcome then fails with it.
/// </summary>
public sealed class OutcomeRecorder
{
    /// <summary>The request header that names a request for <see cref="WaitAsync"/>.</summary>
    public const string Header = "x-asgi-test-request-id";

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<AsgiConnectionOutcome>> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<AsgiConnectionOutcome> _all = new();
    private readonly ConcurrentQueue<Exception> _escaped = new();

    /// <summary>Every outcome recorded so far, in the order the requests finished.</summary>
    public IReadOnlyList<AsgiConnectionOutcome> All => [.. _all];

    /// <summary>
    /// Exceptions that escaped the whole pipeline, other than the <see cref="AsgiResponseAbortedException"/> with which the
    /// bridge has the server cut a started response off (none for a request the bridge served).
    /// </summary>
    public IReadOnlyList<Exception> EscapedExceptions => [.. _escaped];

    /// <summary>Creates a fresh request id.</summary>
    /// <returns>The id, to send in <see cref="Header"/>.</returns>
    public static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>Waits until the request named <paramref name="requestId"/> has finished and returns its outcome.</summary>
    /// <param name="requestId">The id the request carried in <see cref="Header"/>.</param>
    /// <param name="timeout">How long to wait (default 10 seconds).</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="TimeoutException">The request did not finish in time.</exception>
    /// <exception cref="InvalidOperationException">No ASGI application served the request, or an exception escaped the pipeline.</exception>
    public async Task<AsgiConnectionOutcome> WaitAsync(string requestId, TimeSpan? timeout = null)
    {
        var wait = timeout ?? DefaultTimeout;
        try
        {
            return await Slot(requestId).Task.WaitAsync(wait).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Request {requestId} did not finish within {wait}.");
        }
    }

    /// <summary>The middleware that records outcomes; it runs first in the pipeline.</summary>
    /// <param name="next">The rest of the pipeline.</param>
    /// <returns>The middleware.</returns>
    internal RequestDelegate Middleware(RequestDelegate next) => async context =>
    {
        string? id = null;
        if (context.Request.Headers.Remove(Header, out var values))
        {
            id = values.ToString();
        }

        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (AsgiResponseAbortedException) when (context.GetAsgiOutcome() is { ResponseTruncated: true } cut)
        {
            // The bridge's way of having the server cut a started response off; the outcome says why.
            _all.Enqueue(cut);
            if (id is not null)
            {
                Slot(id).TrySetResult(cut);
            }

            throw;
        }
        catch (Exception ex)
        {
            _escaped.Enqueue(ex);
            if (id is not null)
            {
                Slot(id).TrySetException(new InvalidOperationException($"An exception escaped the pipeline of request {id}: {ex.Message}", ex));
            }

            throw;
        }

        var outcome = context.GetAsgiOutcome();
        if (outcome is not null)
        {
            _all.Enqueue(outcome);
        }

        if (id is not null)
        {
            var slot = Slot(id);
            if (outcome is null)
            {
                slot.TrySetException(new InvalidOperationException($"Request {id} finished without an ASGI outcome: no ASGI application served it."));
            }
            else
            {
                slot.TrySetResult(outcome);
            }
        }
    };

    private TaskCompletionSource<AsgiConnectionOutcome> Slot(string id) =>
        _byId.GetOrAdd(id, static _ => new TaskCompletionSource<AsgiConnectionOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
}
