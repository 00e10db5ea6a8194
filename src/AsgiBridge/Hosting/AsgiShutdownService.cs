using AsgiBridge.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace AsgiBridge.Hosting;

/// <summary>
/// The graceful shutdown of the connections ASGI applications serve. When the host begins stopping
/// (<c>StoppingAsync</c>, before the server's own stop), every open WebSocket is closed with
/// <see cref="AsgiOptions.ShutdownWebSocketCloseCode"/> and its application receives <c>websocket.disconnect</c> with it;
/// every open HTTP request's pending <c>receive</c> returns <c>http.disconnect</c> and its later sends raise, so streaming
/// loops end by themselves. The server then stops accepting and waits for the connections; those still open after
/// <see cref="AsgiOptions.ShutdownDrainTimeout"/> are cut, with one Warning line. <c>lifespan.shutdown</c> follows
/// (<see cref="Lifespan.AsgiLifespanService"/>).
/// </summary>
internal sealed class AsgiShutdownService(AsgiBridgeRuntime runtime) : IHostedLifecycleService
{
    private Task? _drain;

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (_drain is null)
        {
            var open = runtime.Connections.SignalStopping();
            AsgiLog.ShutdownSignalled(runtime.Logger, open);
            _drain = DrainAsync();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        // The server's stop waited for the connections; if it gave up first, the drain still cuts what is left.
        if (_drain is { } drain)
        {
            await drain.ConfigureAwait(false);
        }
    }

    private async Task DrainAsync()
    {
        var timeout = runtime.Options.ShutdownDrainTimeout;
        var drained = runtime.Connections.Drained;
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            await Task.WhenAny(drained, Task.Delay(timeout)).ConfigureAwait(false);
        }
        else
        {
            await drained.ConfigureAwait(false);
        }

        if (!drained.IsCompleted)
        {
            var cut = runtime.Connections.AbortAll();
            AsgiLog.ShutdownDrainExpired(runtime.Logger, cut, timeout);
        }
    }
}
