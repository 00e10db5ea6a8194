using System.Net;
using AsgiBridge.Hosting;
using AsgiBridge.Lifespan;
using AsgiBridge.TestInfrastructure.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Tests.Infrastructure;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with two ephemeral endpoints: HTTP/1.1 and cleartext HTTP/2 (h2c, prior
/// knowledge). Addresses come from <see cref="IServerAddressesFeature"/>; logs go to <see cref="Logs"/>.
/// </summary>
internal sealed class KestrelTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<HttpClient> _clients = [];

    private KestrelTestServer(WebApplication app, TestLogSink logs, Uri http1, Uri http2)
    {
        _app = app;
        Logs = logs;
        Http1Address = http1;
        Http2Address = http2;
    }

    public TestLogSink Logs { get; }

    public Uri Http1Address { get; }

    public Uri Http2Address { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a server running <paramref name="asgiApp"/> through <c>UseAsgi</c>.</summary>
    public static Task<KestrelTestServer> StartAsync(AsgiApp asgiApp, Action<KestrelServerOptions>? kestrel = null) =>
        StartAsync(app => app.UseAsgi(asgiApp), kestrel);

    /// <summary>Starts a server running <paramref name="asgiApp"/> through <c>UseAsgi</c>, with bridge options.</summary>
    public static Task<KestrelTestServer> StartAsync(AsgiApp asgiApp, Action<AsgiOptions> asgiOptions) =>
        StartAsync(app => app.UseAsgi(asgiApp), kestrel: null, asgiOptions);

    /// <summary>Starts a server whose pipeline is built by <paramref name="pipeline"/>.</summary>
    public static async Task<KestrelTestServer> StartAsync(Action<WebApplication> pipeline, Action<KestrelServerOptions>? kestrel = null, Action<AsgiOptions>? asgiOptions = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(KestrelTestServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        var logs = new TestLogSink();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddFilter("AsgiBridge", LogLevel.Debug);
        builder.Services.AddAsgi(options =>
        {
            options.Lifespan.Mode = LifespanMode.Off; // these tests exercise connections only
            asgiOptions?.Invoke(options);
        });
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
            options.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel?.Invoke(options);
        });

        var app = builder.Build();
        pipeline(app);
        await app.StartAsync();

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToArray();
        if (addresses.Length != 2)
        {
            throw new InvalidOperationException($"Expected two bound addresses, got: {string.Join(", ", addresses)}");
        }

        // Kestrel reports the endpoints in the order they were configured: HTTP/1.1 first, then h2c.
        return new KestrelTestServer(app, logs, new Uri(addresses[0]), new Uri(addresses[1]));
    }

    /// <summary>The address of the endpoint that serves <paramref name="httpVersion"/> ("1.1" or "2").</summary>
    public Uri AddressFor(string httpVersion) => httpVersion == "2" ? Http2Address : Http1Address;

    /// <summary>
    /// An <see cref="HttpClient"/> pinned to one protocol: HTTP/1.1, or HTTP/2 with prior knowledge
    /// (version 2.0, <see cref="HttpVersionPolicy.RequestVersionExact"/>).
    /// </summary>
    public HttpClient CreateClient(string httpVersion, Action<SocketsHttpHandler>? configure = null)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        };
        configure?.Invoke(handler);
        var version = httpVersion == "2" ? HttpVersion.Version20 : HttpVersion.Version11;
        var client = new HttpClient(new VersionPinningHandler(version) { InnerHandler = handler })
        {
            BaseAddress = AddressFor(httpVersion),
            DefaultRequestVersion = version,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(30),
        };
        lock (_clients)
        {
            _clients.Add(client);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_clients)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    /// <summary>Pins every request (also hand-built <see cref="HttpRequestMessage"/>s) to one HTTP version, exactly.</summary>
    private sealed class VersionPinningHandler(Version version) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Version = version;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
