using System.Net;
using System.Net.Sockets;
using AsgiBridge.Hosting;
using AsgiBridge.Lifespan;
using AsgiBridge.TestInfrastructure.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.TestInfrastructure.Kestrel;

/// <summary>
/// The one real-Kestrel host of the test projects: Kestrel on 127.0.0.1 with two ephemeral endpoints, HTTP/1.1 and
/// cleartext HTTP/2 (h2c, prior knowledge); <c>AddAsgi(options)</c>; an ASGI application (or any pipeline) behind an
/// <see cref="OutcomeRecorder"/>; every log event in <see cref="Logs"/>. Clients come pinned to one protocol and stamped
/// with a request id, so each request's <see cref="AsgiConnectionOutcome"/> can be awaited. <see cref="StartAsync(AsgiApp, Action{AsgiOptions}?, Action{IServiceCollection}?, Action{KestrelServerOptions}?)"/>
/// hands out a running host; <see cref="Create"/> one the test starts and stops itself (lifespan tests).
/// </summary>
public sealed class KestrelTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<IDisposable> _owned = [];
    private readonly HttpMessageInvoker _http2Invoker = new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true });
    private readonly bool _testDrivesLifecycle;
    private Uri? _http1Address;
    private Uri? _http2Address;
    private bool _startAttempted;

    private KestrelTestHost(WebApplication app, TestLogSink logs, OutcomeRecorder outcomes, bool testDrivesLifecycle)
    {
        _app = app;
        Logs = logs;
        Outcomes = outcomes;
        _testDrivesLifecycle = testDrivesLifecycle;
    }

    /// <summary>Every log event of the host (all categories, from Debug up).</summary>
    public TestLogSink Logs { get; }

    /// <summary>The outcome of every request.</summary>
    public OutcomeRecorder Outcomes { get; }

    /// <summary>The HTTP/1.1 endpoint, <c>http://127.0.0.1:port/</c>; known once the host has started.</summary>
    public Uri Http1Address => _http1Address ?? throw NotStarted();

    /// <summary>The h2c endpoint, <c>http://127.0.0.1:port/</c>; known once the host has started.</summary>
    public Uri Http2Address => _http2Address ?? throw NotStarted();

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The host's lifetime (started, stopping, stopped; <c>StopApplication</c>).</summary>
    public IHostApplicationLifetime Lifetime => _app.Lifetime;

    /// <summary>
    /// Bridge options for tests about connections only (pass as <c>asgi</c>): lifespan off, so the application never sees
    /// a lifespan scope and the host starts without a startup handshake.
    /// </summary>
    /// <param name="options">The bridge options.</param>
    public static void LifespanOff(AsgiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Lifespan.Mode = LifespanMode.Off;
    }

    /// <summary>Starts a host that runs <paramref name="asgiApp"/> through <c>UseAsgi</c>.</summary>
    /// <param name="asgiApp">The application.</param>
    /// <param name="asgi">Configures the bridge (lifespan mode, WebSocket limits, …); bridge defaults otherwise.</param>
    /// <param name="services">Adds services.</param>
    /// <param name="kestrel">Adjusts Kestrel's options (limits, extra endpoints are not expected).</param>
    /// <returns>The started host.</returns>
    public static Task<KestrelTestHost> StartAsync(AsgiApp asgiApp, Action<AsgiOptions>? asgi = null, Action<IServiceCollection>? services = null,
        Action<KestrelServerOptions>? kestrel = null)
    {
        ArgumentNullException.ThrowIfNull(asgiApp);
        return StartAsync(app => app.UseAsgi(asgiApp), asgi, services, kestrel);
    }

    /// <summary>Starts a host whose pipeline <paramref name="pipeline"/> builds (after the outcome recorder).</summary>
    /// <param name="pipeline">Builds the pipeline: <c>UseAsgi</c>, <c>MapAsgi</c>, other middleware.</param>
    /// <param name="asgi">Configures the bridge; bridge defaults otherwise.</param>
    /// <param name="services">Adds services.</param>
    /// <param name="kestrel">Adjusts Kestrel's options.</param>
    /// <returns>The started host.</returns>
    public static async Task<KestrelTestHost> StartAsync(Action<WebApplication> pipeline, Action<AsgiOptions>? asgi = null,
        Action<IServiceCollection>? services = null, Action<KestrelServerOptions>? kestrel = null)
    {
        var host = Build(pipeline, asgi, services, kestrel, http1Port: 0, testDrivesLifecycle: false);
        try
        {
            await host.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            await host._app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return host;
    }

    /// <summary>
    /// Builds a host but does not start it: the test calls <see cref="StartAsync()"/> and <see cref="StopAsync"/> itself
    /// and asserts on how they end (a failed lifespan startup, say). Disposing it still stops it; a lifespan failure or a
    /// cancelled stop in that last clean-up is not raised again, since the test has already had its say on the stop.
    /// </summary>
    /// <param name="pipeline">Builds the pipeline: <c>UseAsgi</c>, <c>MapAsgi</c>, other middleware.</param>
    /// <param name="asgi">Configures the bridge; bridge defaults otherwise.</param>
    /// <param name="services">Adds services (for example a wrapper around the registered <c>IServer</c>).</param>
    /// <param name="kestrel">Adjusts Kestrel's options.</param>
    /// <param name="http1Port">The HTTP/1.1 endpoint's port, for a test that must know it before the server binds; 0 for an ephemeral one.</param>
    /// <returns>The host, not started.</returns>
    public static KestrelTestHost Create(Action<WebApplication> pipeline, Action<AsgiOptions>? asgi = null,
        Action<IServiceCollection>? services = null, Action<KestrelServerOptions>? kestrel = null, int http1Port = 0) =>
        Build(pipeline, asgi, services, kestrel, http1Port, testDrivesLifecycle: true);

    /// <summary>A loopback port that was free a moment ago, for a test that must know the port before the server binds.</summary>
    /// <returns>The port.</returns>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Starts the host (lifespan startup runs first) and learns its addresses.</summary>
    /// <returns>A task that completes when the server listens.</returns>
    public async Task StartAsync()
    {
        _startAttempted = true;
        await _app.StartAsync().ConfigureAwait(false);
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToArray();
        if (addresses.Length != 2)
        {
            throw new InvalidOperationException($"Expected two bound addresses, got: {string.Join(", ", addresses)}");
        }

        // Kestrel reports the endpoints in the order they were configured: HTTP/1.1 first, then h2c.
        _http1Address = new Uri(addresses[0]);
        _http2Address = new Uri(addresses[1]);
    }

    /// <summary>
    /// Starts the host's graceful stop, as SIGTERM would, with the clients it handed out still open; run on the thread
    /// pool so the caller can act while the host drains.
    /// </summary>
    /// <param name="cancellationToken">The host's stop token: cancelling it means the host's shutdown time is used up.</param>
    /// <returns>A task that completes when the host has stopped.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default) =>
        Task.Run(() => _app.StopAsync(cancellationToken), CancellationToken.None);

    /// <summary>The address of one endpoint.</summary>
    /// <param name="protocol">The endpoint.</param>
    /// <returns>Its <c>http://</c> address.</returns>
    public Uri AddressFor(KestrelProtocol protocol) => protocol == KestrelProtocol.Http2 ? Http2Address : Http1Address;

    /// <summary>
    /// An <see cref="HttpClient"/> pinned to one protocol (version 1.1, or 2.0 with
    /// <see cref="HttpVersionPolicy.RequestVersionExact"/>), with no cookies, redirects or decompression; every request
    /// gets a request id (see <see cref="WaitForOutcomeAsync(HttpResponseMessage, TimeSpan?)"/>). Disposed with the host.
    /// </summary>
    /// <param name="protocol">The endpoint.</param>
    /// <param name="configure">Adjusts the socket handler.</param>
    /// <returns>The client.</returns>
    public HttpClient CreateClient(KestrelProtocol protocol, Action<SocketsHttpHandler>? configure = null)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        };
        configure?.Invoke(handler);
        var version = RequestIdHandler.VersionOf(protocol);
        var client = new HttpClient(new RequestIdHandler(version) { InnerHandler = handler })
        {
            BaseAddress = AddressFor(protocol),
            DefaultRequestVersion = version,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(30),
        };
        Own(client);
        return client;
    }

    /// <summary>A WebSocket client for one endpoint, not yet connected; disposed with the host.</summary>
    /// <param name="protocol">The endpoint: HTTP/1.1 Upgrade or HTTP/2 extended CONNECT.</param>
    /// <returns>The client.</returns>
    public KestrelWebSocketClient CreateWebSocketClient(KestrelProtocol protocol)
    {
        var client = new KestrelWebSocketClient(AddressFor(protocol), protocol, protocol == KestrelProtocol.Http2 ? _http2Invoker : null);
        Own(client);
        return client;
    }

    /// <summary>Waits until the request behind <paramref name="response"/> has finished and returns its outcome.</summary>
    /// <param name="response">A response to a request sent by a client of <see cref="CreateClient"/>.</param>
    /// <param name="timeout">How long to wait (default 10 seconds).</param>
    /// <returns>The outcome.</returns>
    public Task<AsgiConnectionOutcome> WaitForOutcomeAsync(HttpResponseMessage response, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        return WaitForOutcomeAsync(response.RequestMessage ?? throw new ArgumentException("The response has no request message.", nameof(response)), timeout);
    }

    /// <summary>Waits until <paramref name="request"/> has finished on the server and returns its outcome (also when sending it failed).</summary>
    /// <param name="request">A request sent by a client of <see cref="CreateClient"/>.</param>
    /// <param name="timeout">How long to wait (default 10 seconds).</param>
    /// <returns>The outcome.</returns>
    public Task<AsgiConnectionOutcome> WaitForOutcomeAsync(HttpRequestMessage request, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = RequestIdHandler.IdOf(request)
            ?? throw new ArgumentException("The request was not sent by a client of this host (it carries no request id).", nameof(request));
        return Outcomes.WaitAsync(id, timeout);
    }

    /// <summary>Waits until the request with <paramref name="requestId"/> has finished and returns its outcome.</summary>
    /// <param name="requestId">The request id (for example <see cref="KestrelWebSocketClient.RequestId"/>).</param>
    /// <param name="timeout">How long to wait (default 10 seconds).</param>
    /// <returns>The outcome.</returns>
    public Task<AsgiConnectionOutcome> WaitForOutcomeAsync(string requestId, TimeSpan? timeout = null) => Outcomes.WaitAsync(requestId, timeout);

    /// <summary>Stops the host (lifespan shutdown runs) and releases every client it handed out.</summary>
    /// <returns>A task that completes when the host has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        lock (_owned)
        {
            foreach (var owned in _owned)
            {
                owned.Dispose();
            }

            _owned.Clear();
        }

        _http2Invoker.Dispose();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            if (_startAttempted)
            {
                await _app.StopAsync(stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (_testDrivesLifecycle && ex is OperationCanceledException or AsgiLifespanException)
        {
            // The test drove start and stop itself and asserted on them; this is only the clean-up.
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static KestrelTestHost Build(Action<WebApplication> pipeline, Action<AsgiOptions>? asgi, Action<IServiceCollection>? services,
        Action<KestrelServerOptions>? kestrel, int http1Port, bool testDrivesLifecycle)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(KestrelTestHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        var logs = new TestLogSink();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddAsgi(asgi);
        services?.Invoke(builder.Services);
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, http1Port, listen => listen.Protocols = HttpProtocols.Http1);
            options.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel?.Invoke(options);
        });

        var outcomes = new OutcomeRecorder();
        var app = builder.Build();
        app.Use(outcomes.Middleware);
        pipeline(app);
        return new KestrelTestHost(app, logs, outcomes, testDrivesLifecycle);
    }

    private static InvalidOperationException NotStarted() => new("The host has not started yet.");

    private void Own(IDisposable disposable)
    {
        lock (_owned)
        {
            _owned.Add(disposable);
        }
    }
}
