using AsgiBridge.Lifespan;
using AsgiBridge.Messages;

namespace AsgiBridge.Testing.Lifespan;

/// <summary>
/// Runs the application's lifespan protocol for a test client the way the bridge's lifespan service does, over the
/// bridge's own <see cref="LifespanChannel"/> (so <c>send</c> enforces the same rules): <c>lifespan.startup</c> on
/// start, <c>lifespan.shutdown</c> on stop. Where the server only logs (a failed or raising shutdown), the test client
/// throws, so the test hears about it.
/// </summary>
internal sealed class LifespanRunner
{
    private readonly AsgiApp _app;
    private readonly LifespanMode _mode;
    private readonly TimeSpan _timeout;
    private readonly LifespanScope _scope = new();
    private readonly LifespanChannel _channel = new();
    private Task? _appTask;

    public LifespanRunner(AsgiApp app, LifespanMode mode, TimeSpan timeout)
    {
        _app = app;
        _mode = mode;
        _timeout = timeout;
    }

    /// <summary>The lifespan state namespace, or <see langword="null"/> until startup completed.</summary>
    public IDictionary<string, object?>? State { get; private set; }

    /// <summary>Runs startup; returns <see langword="false"/> when the application does not support lifespan.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Whether lifespan is running.</returns>
    /// <exception cref="AsgiLifespanException">Startup failed, timed out, or (in <see cref="LifespanMode.On"/>) errored.</exception>
    public async Task<bool> StartAsync(CancellationToken cancellationToken)
    {
        var app = Task.Run(() => _app(_scope, _channel.Receive, _channel.Send), CancellationToken.None);
        _appTask = app;
        try
        {
            await Task.WhenAny(_channel.StartupReply, app).WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new AsgiLifespanException($"The ASGI application did not answer lifespan.startup within {_timeout} (AsgiTestClientOptions.Timeout).");
        }

        if (_channel.StartupReply.IsCompleted)
        {
            if (_channel.StartupReply.Result is LifespanStartupFailed failed)
            {
                throw new AsgiLifespanException($"The ASGI application failed lifespan startup: {Describe(failed.Message)}");
            }

            State = _scope.State;
            return true;
        }

        // The application finished without answering lifespan.startup.
        var error = app.Exception?.GetBaseException();
        if (_mode == LifespanMode.Auto)
        {
            return false;
        }

        throw error is null
            ? new AsgiLifespanException("The ASGI application returned from the lifespan scope without answering lifespan.startup (lifespan mode is On).")
            : new AsgiLifespanException($"The ASGI application raised during lifespan startup (lifespan mode is On): {error.Message}", error);
    }

    /// <summary>
    /// Runs shutdown and waits for the application to return. An application that already returned is accepted, as
    /// the server accepts it.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the application has shut down.</returns>
    /// <exception cref="AsgiLifespanException">The application sent <c>lifespan.shutdown.failed</c> or raised.</exception>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var app = _appTask!;
        if (!app.IsCompleted)
        {
            _channel.DeliverShutdown();
            try
            {
                await Task.WhenAny(_channel.ShutdownReply, app).WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new AsgiLifespanException($"The ASGI application did not answer lifespan.shutdown within {_timeout} (AsgiTestClientOptions.Timeout).");
            }

            if (_channel.ShutdownReply.IsCompleted && _channel.ShutdownReply.Result is LifespanShutdownFailed failed)
            {
                throw new AsgiLifespanException($"The ASGI application failed lifespan shutdown: {Describe(failed.Message)}");
            }
        }

        try
        {
            await app.WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new AsgiLifespanException($"The ASGI application did not return within {_timeout} after lifespan.shutdown.complete.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new AsgiLifespanException($"The ASGI application raised during lifespan: {ex.Message}", ex);
        }
    }

    private static string Describe(string message) => message.Length == 0 ? "(no message)" : message;
}
