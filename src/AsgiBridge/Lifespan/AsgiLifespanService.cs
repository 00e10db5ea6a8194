using AsgiBridge.Diagnostics;
using AsgiBridge.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AsgiBridge.Lifespan;

/// <summary>
/// Drives the lifespan protocol of every registered ASGI application from the host's lifecycle.
/// <list type="bullet">
/// <item><c>StartingAsync</c> delivers <c>lifespan.startup</c> and waits for the answers. The host runs every
/// <c>StartingAsync</c> before any <c>StartAsync</c>, and the server (<c>GenericWebHostService</c>) starts listening in its
/// <c>StartAsync</c>, so no connection is accepted before startup completed, whatever the registration order.</item>
/// <item><c>StoppedAsync</c> delivers <c>lifespan.shutdown</c>. The host runs it after every <c>StopAsync</c>, so the
/// server has stopped accepting and drained its in-flight requests by then; each application gets its own full
/// <see cref="AsgiLifespanOptions.ShutdownTimeout"/>, whatever time the drain took.</item>
/// </list>
/// Applications registered after startup began (a <c>Startup.Configure</c> runs inside the server's <c>StartAsync</c>)
/// are started at once; their requests wait for startup, and <c>StartedAsync</c> fails host start if it failed.
/// </summary>
internal sealed class AsgiLifespanService : IHostedLifecycleService
{
    private readonly AsgiAppRegistry _registry;
    private readonly LifespanContext _context;
    private readonly object _lock = new();
    private readonly List<AppLifespan> _running = [];
    private readonly List<Task> _lateStartups = [];
    private Task? _stopping;

    public AsgiLifespanService(AsgiAppRegistry registry, IOptions<AsgiOptions> options, ILoggerFactory loggerFactory, IHostApplicationLifetime lifetime,
        Hosting.AsgiBridgeRuntime? runtime = null)
    {
        _registry = registry;
        var lifespan = options.Value.Lifespan;
        Validate(lifespan.StartupTimeout, "StartupTimeout");
        Validate(lifespan.ShutdownTimeout, "ShutdownTimeout");
        _context = new LifespanContext(lifespan, loggerFactory.CreateLogger(AsgiLog.LifespanCategory), lifetime, runtime?.Metrics);
    }

    /// <inheritdoc />
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var apps = _registry.Seal(StartLate);
        if (_context.Options.Mode == LifespanMode.Off)
        {
            AsgiLog.LifespanDisabled(_context.Logger, apps.Count);
            foreach (var app in apps)
            {
                app.Disable();
            }

            return;
        }

        foreach (var app in apps)
        {
            try
            {
                if (await app.StartAsync(_context, cancellationToken).ConfigureAwait(false))
                {
                    lock (_lock)
                    {
                        _running.Add(app);
                    }
                }
            }
            catch (Exception)
            {
                // The host will not call the stop hooks: close what already started before failing.
                await StopRunningAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await LateStartupsAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            await StopRunningAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        // The host can be stopped twice at once: WebApplicationFactory stops it while the entry point's app.Run() reacts to
        // ApplicationStopping with its own StopAsync. Every caller gets the one shutdown, so none returns while the
        // application is still answering lifespan.shutdown (started off the lock: it runs application code).
        lock (_lock)
        {
            return _stopping ??= Task.Run(StopOnceAsync, CancellationToken.None);
        }
    }

    private async Task StopOnceAsync()
    {
        // An application registered after the host's start hooks starts on its own, and its requests are served once it
        // is ready, a moment before it is recorded as running. Its startup is joined first (the host's stopping token has
        // already cut any that still waits), so an application that answered startup always gets lifespan.shutdown.
        try
        {
            await LateStartupsAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A late startup that failed was reported where it failed, and has nothing to shut down.
        }

        await StopRunningAsync().ConfigureAwait(false);
    }

    // The startups of applications registered late, as they are now.
    private Task LateStartupsAsync()
    {
        lock (_lock)
        {
            return Task.WhenAll([.. _lateStartups]);
        }
    }

    private async Task StopRunningAsync()
    {
        while (true)
        {
            AppLifespan app;
            lock (_lock)
            {
                if (_running.Count == 0)
                {
                    return;
                }

                app = _running[^1];
                _running.RemoveAt(_running.Count - 1);
            }

            await app.StopAsync(_context).ConfigureAwait(false);
        }
    }

    private void StartLate(AppLifespan app)
    {
        if (_context.Options.Mode == LifespanMode.Off)
        {
            app.Disable();
            return;
        }

        var startup = StartLateAsync(app);
        lock (_lock)
        {
            _lateStartups.Add(startup);
        }
    }

    private async Task StartLateAsync(AppLifespan app)
    {
        var stopping = _context.Lifetime?.ApplicationStopping ?? CancellationToken.None;
        if (await app.StartAsync(_context, stopping).ConfigureAwait(false))
        {
            lock (_lock)
            {
                _running.Add(app);
            }
        }
    }

    private static void Validate(TimeSpan timeout, string name)
    {
        if (timeout != Timeout.InfiniteTimeSpan && timeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException(
                $"AsgiOptions.Lifespan.{name} must be positive or Timeout.InfiniteTimeSpan; it is {timeout}.");
        }
    }
}
