using System.Net;
using System.Net.Sockets;
using AsgiBridge.Hosting;
using AsgiBridge.Lifespan;
using AsgiBridge.TestInfrastructure.Logging;
using AsgiBridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Tests.Lifespan;

/// <summary>
/// A real Kestrel host on 127.0.0.1 running ASGI apps, with an <see cref="EventLog"/>, captured logs and a
/// <see cref="ProbeServer"/> around Kestrel.
/// </summary>
internal sealed class LifespanTestHost : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private HttpClient? _client;

    private LifespanTestHost(WebApplication app, EventLog events, TestLogSink logs, ProbeServer probe)
    {
        App = app;
        Events = events;
        Logs = logs;
        Probe = probe;
    }

    public WebApplication App { get; }

    public EventLog Events { get; }

    public TestLogSink Logs { get; }

    public ProbeServer Probe { get; }

    /// <summary>The bound address; available once the server started.</summary>
    public Uri BaseAddress => new(App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public HttpClient Client => _client ??= new HttpClient { BaseAddress = BaseAddress, Timeout = Patience };

    /// <summary>Builds the host; <paramref name="mount"/> mounts the ASGI apps (UseAsgi/MapAsgi) on the built application.</summary>
    public static LifespanTestHost Create(Action<WebApplication, EventLog> mount, Action<AsgiOptions>? configure = null, int port = 0)
    {
        var events = new EventLog();
        var logs = new TestLogSink();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        builder.Services.AddAsgi(configure);

        var probe = builder.Services.AddProbeServer(events);
        var app = builder.Build();
        _ = app.Services.GetRequiredService<IServer>();
        mount(app, events);
        return new LifespanTestHost(app, events, logs, probe());
    }

    /// <summary>Returns a port that was free a moment ago, for tests that must know the port before the server binds.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        using var stop = new CancellationTokenSource(Patience);
        try
        {
            await App.StopAsync(stop.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or AsgiLifespanException)
        {
        }

        await App.DisposeAsync();
    }
}
