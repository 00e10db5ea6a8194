using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AsgiBridge.Tests.Lifespan;

/// <summary>Wraps the real server and records when it starts and stops, so tests can order lifespan events against it.</summary>
internal sealed class ProbeServer(IServer inner, EventLog events) : IServer
{
    public const string Started = "server.started";
    public const string Stopping = "server.stopping";
    public const string Stopped = "server.stopped";

    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the server listens.</summary>
    public Task StartedSignal => _started.Task;

    /// <summary>Completes when the host begins stopping the server (before it drains requests).</summary>
    public Task StoppingSignal => _stopping.Task;

    public IFeatureCollection Features => inner.Features;

    public async Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull
    {
        await inner.StartAsync(application, cancellationToken);
        events.Add(Started);
        _started.TrySetResult();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        events.Add(Stopping);
        _stopping.TrySetResult();
        await inner.StopAsync(cancellationToken);
        events.Add(Stopped);
    }

    public void Dispose() => inner.Dispose();
}

/// <summary>Replaces the registered server with a <see cref="ProbeServer"/> around it.</summary>
internal static class ProbeServerRegistration
{
    public static Func<ProbeServer> AddProbeServer(this IServiceCollection services, EventLog events)
    {
        ProbeServer? probe = null;
        var server = services.Last(d => d.ServiceType == typeof(IServer));
        services.Remove(server);
        services.AddSingleton<IServer>(sp => probe = new ProbeServer(
            (IServer)ActivatorUtilities.CreateInstance(sp, server.ImplementationType!), events));
        return () => probe ?? throw new InvalidOperationException("The server has not been created yet.");
    }
}
