using AsgiBridge.Composition;
using AsgiBridge.Diagnostics;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Toolkit;

/// <summary>
/// Puts an <see cref="AsgiBackgroundScheduler"/> into <c>scope["background"]</c> of a copy of the scope. Work scheduled
/// through it is collected while the application runs and handed to an <see cref="AsgiBackgroundTaskTracker"/> once the
/// application has returned, that is after the response was sent, so it never delays the response. When the application
/// fails the scheduled work is dropped (and the drop logged), as the response it belonged to was not sent normally.
/// </summary>
public sealed class BackgroundTasksMiddleware : IAsgiMiddleware
{
    /// <summary>The scope key that holds the <see cref="AsgiBackgroundScheduler"/>.</summary>
    public const string ScopeKey = "background";

    private readonly AsgiBackgroundTaskTracker _tracker;
    private readonly ILogger _logger;

    /// <summary>Creates the middleware.</summary>
    /// <param name="tracker">Runs and tracks the work.</param>
    /// <param name="logger">Where dropped work is logged; default: the tracker's logger.</param>
    public BackgroundTasksMiddleware(AsgiBackgroundTaskTracker tracker, ILogger? logger = null)
    {
        _tracker = tracker ?? throw new ArgumentNullException(nameof(tracker));
        _logger = logger ?? tracker.Logger;
    }

    /// <summary>Returns the scheduler a <see cref="BackgroundTasksMiddleware"/> put into the scope.</summary>
    /// <param name="scope">The scope an application received.</param>
    /// <returns>The scheduler.</returns>
    /// <exception cref="InvalidOperationException">No background-tasks middleware runs before this application.</exception>
    public static AsgiBackgroundScheduler GetScheduler(AsgiScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return scope[ScopeKey] as AsgiBackgroundScheduler
            ?? throw new InvalidOperationException("scope[\"background\"] is not set: add pipeline.UseBackgroundTasks() before this application.");
    }

    /// <inheritdoc />
    public Task InvokeAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send, AsgiApp nextApp)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(nextApp);
        return scope is ConnectionScope connection ? RunAsync(connection, receive, send, nextApp) : nextApp(scope, receive, send);
    }

    private async Task RunAsync(ConnectionScope scope, AsgiReceive receive, AsgiSend send, AsgiApp nextApp)
    {
        var pending = new PendingWork(_tracker);
        var copy = scope.Copy();
        copy[ScopeKey] = (AsgiBackgroundScheduler)pending.Schedule;
        try
        {
            await nextApp(copy, receive, send).ConfigureAwait(false);
        }
        catch
        {
            var dropped = pending.Close();
            if (dropped is not null)
            {
                ToolkitLog.BackgroundTasksDropped(_logger, dropped.Count, scope.Path);
            }

            throw;
        }

        var work = pending.Close();
        if (work is not null)
        {
            foreach (var item in work)
            {
                _tracker.Run(item);
            }
        }
    }

    /// <summary>The work one connection scheduled; after <see cref="Close"/> new work starts at once.</summary>
    private sealed class PendingWork(AsgiBackgroundTaskTracker tracker)
    {
        private readonly Lock _gate = new();
        private List<Func<CancellationToken, Task>>? _work;
        private bool _closed;

        public void Schedule(Func<CancellationToken, Task> work)
        {
            ArgumentNullException.ThrowIfNull(work);
            lock (_gate)
            {
                if (!_closed)
                {
                    (_work ??= []).Add(work);
                    return;
                }
            }

            // The connection is over: nothing is left to wait for.
            tracker.Run(work);
        }

        public List<Func<CancellationToken, Task>>? Close()
        {
            lock (_gate)
            {
                _closed = true;
                var work = _work;
                _work = null;
                return work;
            }
        }
    }
}
