using System.Net;
using AsgiBridge.Composition;
using AsgiBridge.Lifespan;
using AsgiBridge.Testing.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AsgiBridge.Testing;

/// <summary>
/// Drives an ASGI application through the real bridge, in process: the client owns a host on ASP.NET Core's in-memory
/// <see cref="TestServer"/> with <c>services.AddAsgi(…)</c> and <c>app.UseAsgi(yourApp)</c>, so HTTP requests (through
/// <see cref="Http"/>, a plain <see cref="HttpClient"/>, or the convenience methods), WebSocket sessions and lifespan
/// run through the same request cycle, WebSocket cycle and lifespan service as behind Kestrel. What the application
/// raises is re-thrown into the test once it has finished (see <see cref="AsgiTestClientOptions.RaiseServerExceptions"/>).
/// </summary>
/// <example><code>
/// await using var client = await AsgiTestClient.StartAsync(MyApp.Run);   // starts the host: lifespan startup
/// var response = await client.GetAsync("/items", new() { Query = { ("page", "2") } });
/// Assert.Equal(200, response.Status);
/// </code></example>
public sealed partial class AsgiTestClient : IAsyncDisposable
{
    private readonly WebApplication? _host;
    private readonly TestApplication? _application;
    private readonly TestServer? _external;
    private readonly Lock _gate = new();
    private Task<TestServer>? _start;
    private bool _disposed;

    /// <summary>
    /// Creates a client that runs <paramref name="app"/> without lifespan (like starlette's <c>TestClient(app)</c> outside a
    /// <c>with</c> block); its host starts with the first request. Use <see cref="StartAsync(AsgiApp, AsgiTestClientOptions?, CancellationToken)"/>
    /// to run lifespan.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <param name="options">The options; defaults when <see langword="null"/>. <see cref="AsgiTestClientOptions.Lifespan"/> is ignored.</param>
    public AsgiTestClient(AsgiApp app, AsgiTestClientOptions? options = null)
        : this(TestHostFactory.FromApp(app ?? throw new ArgumentNullException(nameof(app))), options ?? new AsgiTestClientOptions(), LifespanMode.Off, null)
    {
    }

    private AsgiTestClient(Func<IServiceProvider, AsgiApp> app, AsgiTestClientOptions options, LifespanMode lifespan, Action<IServiceCollection>? configureServices)
    {
        Options = options;
        (_host, _application) = TestHostFactory.Build(app, options, lifespan, configureServices);
        Handler = new AsgiHttpMessageHandler(GetServerAsync, options);
        Http = new HttpClient(Handler, disposeHandler: false) { BaseAddress = options.BaseAddress };
    }

    private AsgiTestClient(TestServer server, AsgiTestClientOptions options)
    {
        Options = options;
        _external = server;
        Handler = new AsgiHttpMessageHandler(GetServerAsync, options);
        Http = new HttpClient(Handler, disposeHandler: false) { BaseAddress = options.BaseAddress };
    }

    /// <summary>The options.</summary>
    public AsgiTestClientOptions Options { get; }

    /// <summary>The handler behind <see cref="Http"/>; wrap it in your own <see cref="HttpClient"/> if you like.</summary>
    public AsgiHttpMessageHandler Handler { get; }

    /// <summary>An <see cref="HttpClient"/> whose requests reach the application; its base address is <see cref="AsgiTestClientOptions.BaseAddress"/>.</summary>
    public HttpClient Http { get; }

    /// <summary>The cookie jar shared by every request and WebSocket handshake, or <see langword="null"/> when cookies are off.</summary>
    public CookieContainer? Cookies => Handler.Cookies;

    /// <summary>
    /// The lifespan <c>state</c> namespace the application filled during startup, or <see langword="null"/> when lifespan
    /// did not run, is unsupported, or the host is not the client's (<see cref="ForServer"/>). Every connection scope gets
    /// a shallow copy of it from the bridge.
    /// </summary>
    public IDictionary<string, object?>? State => _application?.State;

    /// <summary>Whether the application completed lifespan startup (it supports lifespan) in the client's host.</summary>
    public bool LifespanRunning => _application?.StartupCompleted == true;

    /// <summary>The services of the host the application runs in.</summary>
    public IServiceProvider Services => _host?.Services ?? _external!.Services;

    /// <summary>
    /// Creates a client and starts its host, which runs the application's lifespan startup through the bridge's lifespan
    /// service (per <see cref="AsgiTestClientOptions.Lifespan"/>); disposing the client stops the host, which runs shutdown.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting for startup.</param>
    /// <returns>The started client.</returns>
    /// <exception cref="AsgiLifespanException">Startup failed (the bridge's exception, as host start throws it).</exception>
    public static Task<AsgiTestClient> StartAsync(AsgiApp app, AsgiTestClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        return StartCoreAsync(TestHostFactory.FromApp(app), options, null, cancellationToken);
    }

    /// <summary>
    /// Like <see cref="StartAsync(AsgiApp, AsgiTestClientOptions?, CancellationToken)"/>, with services for pipelines that
    /// need them (background tasks, authentication, your own).
    /// </summary>
    /// <param name="app">The application.</param>
    /// <param name="configureServices">Adds services to the host (after <c>AddAsgi</c>).</param>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting for startup.</param>
    /// <returns>The started client.</returns>
    /// <exception cref="AsgiLifespanException">Startup failed.</exception>
    public static Task<AsgiTestClient> StartAsync(AsgiApp app, Action<IServiceCollection> configureServices, AsgiTestClientOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(configureServices);
        return StartCoreAsync(TestHostFactory.FromApp(app), options, configureServices, cancellationToken);
    }

    /// <summary>
    /// Like <see cref="StartAsync(AsgiApp, AsgiTestClientOptions?, CancellationToken)"/> for an ASGI pipeline composed as
    /// <c>app.UseAsgi(pipeline =&gt; …)</c> would compose it, with the host's services (so <c>Use&lt;T&gt;()</c> middleware
    /// gets constructor injection).
    /// </summary>
    /// <param name="configurePipeline">Adds middleware and the application to the pipeline.</param>
    /// <param name="configureServices">Adds services to the host (after <c>AddAsgi</c>), or <see langword="null"/>.</param>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting for startup.</param>
    /// <returns>The started client.</returns>
    /// <exception cref="AsgiLifespanException">Startup failed.</exception>
    public static Task<AsgiTestClient> StartAsync(Action<AsgiPipelineBuilder> configurePipeline, Action<IServiceCollection>? configureServices = null,
        AsgiTestClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configurePipeline);
        return StartCoreAsync(TestHostFactory.FromPipeline(configurePipeline), options, configureServices, cancellationToken);
    }

    /// <summary>
    /// Wraps a <see cref="TestServer"/> someone else hosts (for example <c>WebApplicationFactory.Server</c>; see
    /// <see cref="AsgiWebApplicationFactoryExtensions.CreateAsgiClient"/>): HTTP, WebSockets, cookies and exceptions re-raised
    /// from the bridge's outcome work as with a client-owned host. The host's own pipeline, lifespan and options apply, so
    /// <see cref="State"/>, <see cref="AsgiTestClientOptions.Client"/>, <see cref="AsgiTestClientOptions.RootPath"/>,
    /// <see cref="AsgiTestClientOptions.Lifespan"/>, <see cref="AsgiTestClientOptions.ConfigureBridge"/>,
    /// <see cref="AsgiTestClientOptions.ConfigureApp"/> and <see cref="AsgiTestResponse.DebugInfo"/> do not. Disposing the
    /// client leaves the server running.
    /// </summary>
    /// <param name="server">The started server.</param>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    /// <returns>The client.</returns>
    public static AsgiTestClient ForServer(TestServer server, AsgiTestClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new AsgiTestClient(server, options ?? new AsgiTestClientOptions());
    }

    /// <summary>Stops the host the client owns (the bridge runs lifespan shutdown) and releases the client.</summary>
    /// <returns>A task that completes when the application has shut down.</returns>
    /// <exception cref="AsgiLifespanException">
    /// The application sent <c>lifespan.shutdown.failed</c> or raised during lifespan after startup. The server only
    /// logs these; the test client reports them, so the test hears about them.
    /// </exception>
    public async ValueTask DisposeAsync()
    {
        Task<TestServer>? start;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            start = _start;
        }

        Http.Dispose();
        Handler.Dispose();
        if (_host is null)
        {
            return;
        }

        var started = false;
        if (start is not null)
        {
            try
            {
                await start.ConfigureAwait(false);
                started = true;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The start failed and was reported where it happened.
            }
        }

        try
        {
            if (started)
            {
                await _host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            await _host.DisposeAsync().ConfigureAwait(false);
        }

        if (started && _application?.ShutdownError() is { } error)
        {
            throw error;
        }
    }

    private static async Task<AsgiTestClient> StartCoreAsync(Func<IServiceProvider, AsgiApp> app, AsgiTestClientOptions? options,
        Action<IServiceCollection>? configureServices, CancellationToken cancellationToken)
    {
        options ??= new AsgiTestClientOptions();
        var client = new AsgiTestClient(app, options, options.Lifespan, configureServices);
        Task<TestServer> start;
        lock (client._gate)
        {
            start = client._start = client.StartHostAsync(cancellationToken);
        }

        try
        {
            await start.ConfigureAwait(false);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return client;
    }

    private ValueTask<TestServer> GetServerAsync(CancellationToken cancellationToken)
    {
        if (_external is not null)
        {
            return new ValueTask<TestServer>(_external);
        }

        Task<TestServer> start;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            start = _start ??= StartHostAsync(CancellationToken.None);
        }

        return start.IsCompletedSuccessfully ? new ValueTask<TestServer>(start.Result) : new ValueTask<TestServer>(start.WaitAsync(cancellationToken));
    }

    private async Task<TestServer> StartHostAsync(CancellationToken cancellationToken)
    {
        await _host!.StartAsync(cancellationToken).ConfigureAwait(false);
        return (TestServer)_host.Services.GetRequiredService<IServer>();
    }
}
