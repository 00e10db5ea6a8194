using AsgiBridge.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AsgiBridge.Toolkit;

/// <summary>
/// Runs the background tasks scheduled through <see cref="BackgroundTasksMiddleware"/> and keeps track of them. As a
/// hosted service it makes graceful shutdown wait for the tasks still running, for at most
/// <see cref="AsgiBackgroundTaskOptions.ShutdownTimeout"/>; then it cancels their token and lets shutdown go on.
/// A task's exception is logged (event <c>BackgroundTaskFailed</c>) and goes no further. Register it with
/// <c>services.AddAsgiBackgroundTasks()</c>.
/// </summary>
public sealed class AsgiBackgroundTaskTracker : IHostedService, IDisposable
{
    /// <summary>The logger category used when the logger comes from an <see cref="ILoggerFactory"/>.</summary>
    public const string LoggerCategory = "AsgiBridge.BackgroundTasks";

    private readonly HashSet<Task> _running = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private readonly TimeSpan _shutdownTimeout;
    private bool _disposed;

    /// <summary>Creates a tracker (the container uses this constructor).</summary>
    /// <param name="options">The options.</param>
    /// <param name="loggerFactory">The logger factory; optional.</param>
    public AsgiBackgroundTaskTracker(IOptions<AsgiBackgroundTaskOptions> options, ILoggerFactory? loggerFactory = null)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value, loggerFactory?.CreateLogger(LoggerCategory))
    {
    }

    /// <summary>Creates a tracker.</summary>
    /// <param name="options">The options.</param>
    /// <param name="logger">Where task failures are logged; optional.</param>
    public AsgiBackgroundTaskTracker(AsgiBackgroundTaskOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _shutdownTimeout = options.ShutdownTimeout;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The tracker's logger, also used by <see cref="BackgroundTasksMiddleware"/> by default.</summary>
    internal ILogger Logger => _logger;

    /// <summary>The number of tasks currently running.</summary>
    public int RunningCount
    {
        get
        {
            lock (_running)
            {
                return _running.Count;
            }
        }
    }

    /// <summary>Starts <paramref name="work"/> on the thread pool, without the caller's execution context, and tracks it.</summary>
    /// <param name="work">The work; its token is cancelled when shutdown gives up waiting.</param>
    public void Run(Func<CancellationToken, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        ObjectDisposedException.ThrowIf(_disposed, this);
        Task task;
        using (ExecutionContext.SuppressFlow())
        {
            task = Task.Run(() => RunOneAsync(work));
        }

        lock (_running)
        {
            if (!task.IsCompleted)
            {
                _running.Add(task);
            }
        }

        _ = task.ContinueWith(Forget, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Waits until no task is running (including tasks started while waiting).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when idle.</returns>
    public async Task WhenIdleAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task[] snapshot;
            lock (_running)
            {
                snapshot = [.. _running];
            }

            if (snapshot.Length == 0)
            {
                return;
            }

            await Task.WhenAll(snapshot).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Waits for the running tasks, at most for the shutdown timeout, then cancels their token.</summary>
    /// <param name="cancellationToken">The host's signal that shutdown must not wait any longer.</param>
    /// <returns>A task that completes when the tasks finished or the wait was given up.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await WhenIdleAsync(cancellationToken).WaitAsync(_shutdownTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            ToolkitLog.BackgroundTasksShutdownTimeout(_logger, RunningCount, _shutdownTimeout);
            await _stopping.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private static void Forget(Task task, object? state)
    {
        var tracker = (AsgiBackgroundTaskTracker)state!;
        lock (tracker._running)
        {
            tracker._running.Remove(task);
        }
    }

    private async Task RunOneAsync(Func<CancellationToken, Task> work)
    {
        var token = _stopping.Token;
        try
        {
            await work(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            ToolkitLog.BackgroundTaskCancelled(_logger);
        }
        catch (Exception ex)
        {
            ToolkitLog.BackgroundTaskFailed(_logger, ex);
        }
    }
}
