using System.Collections.ObjectModel;
using AsgiBridge.Diagnostics;
using AsgiBridge.Messages;

namespace AsgiBridge.Lifespan;

/// <summary>
/// One registered ASGI application and its lifespan: runs the application once with a <see cref="LifespanScope"/>,
/// delivers <c>lifespan.startup</c> and <c>lifespan.shutdown</c>, and holds the <c>state</c> namespace that the
/// application's connections copy (only once startup completed).
/// </summary>
internal sealed class AppLifespan
{
    private readonly AsgiApp _app;
    private readonly TaskCompletionSource<bool> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LifespanStateSnapshot? _state;
    private LifespanChannel? _channel;
    private Task? _appTask;

    public AppLifespan(AsgiApp app, string name, bool registeredLate)
    {
        _app = app;
        Name = name;
        RegisteredLate = registeredLate;
    }

    /// <summary>A name for logs: the registration number and the application's method.</summary>
    public string Name { get; }

    /// <summary>Whether the application was registered after host startup began (for example in a <c>Startup.Configure</c>).</summary>
    public bool RegisteredLate { get; }

    /// <summary>The lifespan state, or <see langword="null"/> when lifespan did not run for this application (yet).</summary>
    public LifespanStateSnapshot? State => Volatile.Read(ref _state);

    /// <summary>
    /// Completes with <see langword="true"/> once startup completed, <see langword="false"/> when the application runs
    /// without lifespan; faults when startup failed.
    /// </summary>
    public Task<bool> Ready => _ready.Task;

    /// <summary>Marks the application as running without lifespan (lifespan is off).</summary>
    public void Disable() => _ready.TrySetResult(false);


    /// <summary>Runs the application on the lifespan scope and waits for its answer to <c>lifespan.startup</c>.</summary>
    /// <param name="context">Settings and logging.</param>
    /// <param name="cancellationToken">The host's start token.</param>
    /// <returns><see langword="true"/> when startup completed and shutdown must be delivered later.</returns>
    /// <exception cref="AsgiLifespanException">Startup failed, timed out, or (in <see cref="LifespanMode.On"/>) errored.</exception>
    public async Task<bool> StartAsync(LifespanContext context, CancellationToken cancellationToken)
    {
        try
        {
            var started = await StartCoreAsync(context, cancellationToken).ConfigureAwait(false);
            _ready.TrySetResult(started);
            return started;
        }
        catch (Exception ex)
        {
            _ready.TrySetException(ex);
            throw;
        }
    }

    private async Task<bool> StartCoreAsync(LifespanContext context, CancellationToken cancellationToken)
    {
        var logger = context.Logger;
        var scope = new LifespanScope();
        var channel = new LifespanChannel();
        _channel = channel;
        Task appTask;
        try
        {
            appTask = _app(scope, channel.Receive, channel.Send)
                ?? Task.FromException(new AsgiProtocolException("The application returned a null task."));
        }
        catch (Exception ex)
        {
            appTask = Task.FromException(ex);
        }

        _appTask = appTask;
        AsgiLog.LifespanStartupSent(logger, Name);
        var timeout = context.Options.StartupTimeout;
        try
        {
            await Task.WhenAny(channel.StartupReply, appTask).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            AsgiLog.LifespanStartupTimeout(logger, Name, timeout);
            throw new AsgiLifespanException(
                $"ASGI application {Name} did not answer lifespan.startup within {timeout} (AsgiOptions.Lifespan.StartupTimeout).");
        }

        if (channel.StartupReply.IsCompleted)
        {
            if (channel.StartupReply.Result is LifespanStartupFailed failed)
            {
                AsgiLog.LifespanStartupFailed(logger, Name, failed.Message);
                throw new AsgiLifespanException($"ASGI application {Name} failed lifespan startup: {Describe(failed.Message)}");
            }

            if (Snapshot(scope.State) is { } state)
            {
                Volatile.Write(ref _state, new LifespanStateSnapshot(state));
            }
            AsgiLog.LifespanStartupComplete(logger, Name);
            context.Metrics?.LifespanRunning(1);
            _ = ObserveWhileRunningAsync(appTask, channel, context);
            return true;
        }

        // The application finished without answering lifespan.startup.
        var error = appTask.Exception?.GetBaseException();
        if (context.Options.Mode == LifespanMode.Auto)
        {
            // One line, no stack trace: most applications simply do not handle the lifespan scope (uvicorn says the same).
            AsgiLog.LifespanUnsupported(logger, Name, error is null ? "it returned without answering" : $"it raised {error.GetType().Name}: {error.Message}");
            if (error is not null)
            {
                AsgiLog.LifespanUnsupportedDetail(logger, Name, error);
            }

            return false;
        }

        AsgiLog.LifespanStartupError(logger, Name, error);
        throw error is null
            ? new AsgiLifespanException($"ASGI application {Name} returned from the lifespan scope without answering lifespan.startup (lifespan mode is On).")
            : new AsgiLifespanException($"ASGI application {Name} raised during lifespan startup (lifespan mode is On): {error.Message}", error);
    }

    /// <summary>Delivers <c>lifespan.shutdown</c> and waits for the answer; failures are logged, never thrown.</summary>
    /// <param name="context">Settings and logging.</param>
    /// <returns>A task that completes when the application answered, ended, or the wait timed out.</returns>
    public async Task StopAsync(LifespanContext context)
    {
        var logger = context.Logger;
        if (_channel is not { } channel || _appTask is not { } appTask)
        {
            return;
        }

        if (appTask.IsCompleted)
        {
            context.Metrics?.LifespanRunning(-1);
            AsgiLog.LifespanEndedBeforeShutdown(logger, Name);
            return;
        }

        channel.DeliverShutdown();
        context.Metrics?.LifespanRunning(-1);
        AsgiLog.LifespanShutdownSent(logger, Name);
        // Its own deadline, not the host's token: by now the connection drain may have used the host's shutdown time,
        // and lifespan.shutdown still gets its full timeout (the process exits once it answers).
        var timeout = context.Options.ShutdownTimeout;
        using var deadline = new CancellationTokenSource();
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            deadline.CancelAfter(timeout);
        }

        try
        {
            await Task.WhenAny(channel.ShutdownReply, appTask).WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            AsgiLog.LifespanShutdownTimeout(logger, Name, timeout);
            return;
        }

        if (channel.ShutdownReply.IsCompleted)
        {
            if (channel.ShutdownReply.Result is LifespanShutdownFailed failed)
            {
                AsgiLog.LifespanShutdownFailed(logger, Name, failed.Message);
            }
            else
            {
                AsgiLog.LifespanShutdownComplete(logger, Name);
            }

            // Let the application return; an exception after its answer is still worth a log line.
            try
            {
                await appTask.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                AsgiLog.LifespanShutdownError(logger, Name, ex);
            }

            return;
        }

        if (appTask.Exception?.GetBaseException() is { } error)
        {
            AsgiLog.LifespanShutdownError(logger, Name, error);
        }
        else
        {
            AsgiLog.LifespanReturnedWithoutShutdownReply(logger, Name);
        }
    }

    private async Task ObserveWhileRunningAsync(Task appTask, LifespanChannel channel, LifespanContext context)
    {
        try
        {
            await appTask.ConfigureAwait(false);
        }
        catch (Exception ex) when (!channel.ShutdownDelivered)
        {
            AsgiLog.LifespanFaultedWhileRunning(context.Logger, Name, ex);
            if (context.Options.Mode == LifespanMode.On && context.Lifetime is { } lifetime)
            {
                AsgiLog.LifespanStoppingHost(context.Logger, Name);
                lifetime.StopApplication();
            }
        }
        catch (Exception)
        {
            // Raised during shutdown: StopAsync logs it.
        }
    }


    private static IReadOnlyDictionary<string, object?>? Snapshot(IDictionary<string, object?>? state) => state switch
    {
        null => null,
        IReadOnlyDictionary<string, object?> readable => readable,
        _ => new ReadOnlyDictionary<string, object?>(state),
    };

    private static string Describe(string message) => message.Length == 0 ? "(no message)" : message;
}
