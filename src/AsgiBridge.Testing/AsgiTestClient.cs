using System.Net;
using AsgiBridge.Lifespan;
using AsgiBridge.Testing.Lifespan;

namespace AsgiBridge.Testing;

/// <summary>
/// Drives an ASGI application in process, with no HTTP server: HTTP requests (through <see cref="Http"/>, a plain
/// <see cref="HttpClient"/>, or the convenience methods), WebSocket sessions and lifespan. Scopes are built the way
/// the bridge builds them and every message the application sends is checked with the rules the server applies, so
/// a test that passes here passes behind Kestrel.
/// </summary>
/// <example><code>
/// await using var client = await AsgiTestClient.StartAsync(MyApp.Run);   // runs lifespan startup
/// var response = await client.GetAsync("/items", new() { Query = { ("page", "2") } });
/// Assert.Equal(200, response.Status);
/// </code></example>
public sealed partial class AsgiTestClient : IAsyncDisposable
{
    /// <summary>Where <c>http.response.debug</c> info is stored in <see cref="HttpRequestMessage.Options"/>.</summary>
    public static readonly HttpRequestOptionsKey<IReadOnlyDictionary<string, object?>> DebugInfoKey = new("AsgiBridge.Testing.DebugInfo");

    private readonly AsgiApp _app;
    private LifespanRunner? _lifespan;
    private bool _disposed;

    /// <summary>Creates a client without running lifespan; use <see cref="StartAsync"/> to run it.</summary>
    /// <param name="app">The application.</param>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    public AsgiTestClient(AsgiApp app, AsgiTestClientOptions? options = null)
    {
        _app = app ?? throw new ArgumentNullException(nameof(app));
        Options = options ?? new AsgiTestClientOptions();
        Handler = new AsgiHttpMessageHandler(app, Options, () => State as IReadOnlyDictionary<string, object?> ?? CopyState());
        Http = new HttpClient(Handler, disposeHandler: false) { BaseAddress = Options.BaseAddress };
    }

    /// <summary>The options.</summary>
    public AsgiTestClientOptions Options { get; }

    /// <summary>The handler that runs the application; wrap it in your own <see cref="HttpClient"/> if you like.</summary>
    public AsgiHttpMessageHandler Handler { get; }

    /// <summary>An <see cref="HttpClient"/> whose requests run the application; its base address is <see cref="AsgiTestClientOptions.BaseAddress"/>.</summary>
    public HttpClient Http { get; }

    /// <summary>The cookie jar shared by every request, or <see langword="null"/> when cookies are off.</summary>
    public CookieContainer? Cookies => Handler.Cookies;

    /// <summary>
    /// The lifespan <c>state</c> namespace the application filled during startup, or <see langword="null"/> when lifespan
    /// did not run or is unsupported. Each http and websocket scope gets a shallow copy of it.
    /// </summary>
    public IDictionary<string, object?>? State => _lifespan?.State;

    /// <summary>Whether the application completed lifespan startup (it supports lifespan).</summary>
    public bool LifespanRunning => _lifespan is not null;

    /// <summary>
    /// Creates a client and runs the application's lifespan startup (per <see cref="AsgiTestClientOptions.Lifespan"/>);
    /// disposing the client runs shutdown.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting for startup.</param>
    /// <returns>The started client.</returns>
    /// <exception cref="AsgiLifespanException">Startup failed; the message is the application's.</exception>
    public static async Task<AsgiTestClient> StartAsync(AsgiApp app, AsgiTestClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        var client = new AsgiTestClient(app, options);
        if (client.Options.Lifespan == LifespanMode.Off)
        {
            return client;
        }

        var lifespan = new LifespanRunner(app, client.Options.Lifespan, client.Options.Timeout);
        if (await lifespan.StartAsync(cancellationToken).ConfigureAwait(false))
        {
            client._lifespan = lifespan;
        }

        return client;
    }

    /// <summary>Runs lifespan shutdown (when startup ran) and releases the client.</summary>
    /// <returns>A task that completes when the application has shut down.</returns>
    /// <exception cref="AsgiLifespanException">Shutdown failed; the message is the application's.</exception>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Http.Dispose();
        Handler.Dispose();
        if (_lifespan is { } lifespan)
        {
            await lifespan.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private Dictionary<string, object?>? CopyState() => State is { } state ? new Dictionary<string, object?>(state, StringComparer.Ordinal) : null;
}
