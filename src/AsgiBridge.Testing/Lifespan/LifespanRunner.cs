using System.Threading.Channels;

namespace AsgiBridge.Testing.Lifespan;

/// <summary>
/// Runs the application's lifespan protocol for a test client: <c>lifespan.startup</c> on start, <c>lifespan.shutdown</c>
/// on stop, with the send-side ordering checks of the server (each <c>startup.*</c> once and before shutdown,
/// <c>shutdown.*</c> only after shutdown began).
/// </summary>
internal sealed class LifespanRunner
{
    private readonly AsgiApp _app;
    private readonly TestLifespanMode _mode;
    private readonly TimeSpan _timeout;
    private readonly LifespanScope _scope = new();
    private readonly Channel<AsgiMessage> _input = Channel.CreateUnbounded<AsgiMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource<AsgiMessage> _startup = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<AsgiMessage> _shutdown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private Task? _appTask;
    private bool _shutdownSent;

    public LifespanRunner(AsgiApp app, TestLifespanMode mode, TimeSpan timeout)
    {
        _app = app;
        _mode = mode;
        _timeout = timeout;
    }

    /// <summary>The lifespan state namespace, or <see langword="null"/> until startup completed or when unsupported.</summary>
    public IDictionary<string, object?>? State { get; private set; }

    /// <summary>Runs startup; returns <see langword="false"/> when the application does not support lifespan.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Whether lifespan is running.</returns>
    public async Task<bool> StartAsync(CancellationToken cancellationToken)
    {
        _input.Writer.TryWrite(LifespanStartup.Instance);
        _appTask = Task.Run(() => _app(_scope, ReceiveAsync, SendAsync), CancellationToken.None);
        var outcome = await WhenFirst(_startup.Task, cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case LifespanStartupComplete:
                State = _scope.State;
                return true;
            case LifespanStartupFailed failed:
                throw new AsgiLifespanFailedException($"Lifespan startup failed: {failed.Message}") { AppMessage = failed.Message };
        }

        // The application finished without completing startup.
        var exception = _appTask.Exception?.InnerException;
        if (exception is not null && _mode == TestLifespanMode.On)
        {
            throw new AsgiLifespanFailedException($"Lifespan startup failed: the application raised {exception.GetType().Name}: {exception.Message}", exception);
        }

        if (exception is null && _mode == TestLifespanMode.On)
        {
            throw new AsgiLifespanFailedException("Lifespan startup failed: the application returned without sending lifespan.startup.complete.");
        }

        // Auto mode: an application that raises on (or ignores) the lifespan scope does not support lifespan.
        return false;
    }

    /// <summary>
    /// Runs shutdown and waits for the application to return. An application that already returned (without waiting
    /// for <c>lifespan.shutdown</c>) is accepted, as uvicorn accepts it.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the application has shut down.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _shutdownSent = true;
        }

        _input.Writer.TryWrite(LifespanShutdown.Instance);
        var outcome = await WhenFirst(_shutdown.Task, cancellationToken).ConfigureAwait(false);
        if (outcome is LifespanShutdownFailed failed)
        {
            throw new AsgiLifespanFailedException($"Lifespan shutdown failed: {failed.Message}") { AppMessage = failed.Message };
        }

        try
        {
            await _appTask!.WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The application did not return within {_timeout} after lifespan.shutdown.complete.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new AsgiLifespanFailedException($"Lifespan shutdown failed: the application raised {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    private async Task<AsgiMessage?> WhenFirst(Task<AsgiMessage> outcome, CancellationToken cancellationToken)
    {
        var app = _appTask!;
        try
        {
            var first = await Task.WhenAny(outcome, app).WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
            return first == outcome ? await outcome.ConfigureAwait(false) : outcome.IsCompleted ? await outcome.ConfigureAwait(false) : null;
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The application did not answer the lifespan event within {_timeout}.");
        }
    }

    private async ValueTask<AsgiMessage> ReceiveAsync() => await _input.Reader.ReadAsync().ConfigureAwait(false);

    private ValueTask SendAsync(AsgiMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            switch (message)
            {
                case LifespanStartupComplete or LifespanStartupFailed:
                    if (_startup.Task.IsCompleted || _shutdownSent)
                    {
                        throw new AsgiProtocolException(message.Type, null, _shutdownSent
                            ? "startup events cannot follow lifespan.shutdown."
                            : "startup was already answered; send lifespan.startup.complete or lifespan.startup.failed once.");
                    }

                    _startup.TrySetResult(message);
                    break;
                case LifespanShutdownComplete or LifespanShutdownFailed:
                    if (!_shutdownSent || _shutdown.Task.IsCompleted)
                    {
                        throw new AsgiProtocolException(message.Type, null, _shutdownSent
                            ? "shutdown was already answered; send lifespan.shutdown.complete or lifespan.shutdown.failed once."
                            : "expected only after lifespan.shutdown was received.");
                    }

                    _shutdown.TrySetResult(message);
                    break;
                default:
                    throw new AsgiProtocolException(message.Type, null, "is not a message an application can send on a 'lifespan' connection.");
            }
        }

        return default;
    }
}
