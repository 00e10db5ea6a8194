using System.Net.WebSockets;
using AsgiBridge.Hosting;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.TestInfrastructure.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Tests.WebSockets;

/// <summary>
/// Runs one ASGI application behind <c>UseAsgi</c> on the transport a theory names and opens WebSockets to it: real
/// Kestrel is a <see cref="KestrelTestHost"/> (HTTP/1.1 Upgrade or HTTP/2 extended CONNECT); the in-memory TestServer,
/// which Kestrel cannot stand in for, is built here.
/// </summary>
public sealed class WebSocketTestHost : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly KestrelTestHost? _kestrel;
    private readonly WebApplication? _inMemory;

    private WebSocketTestHost(WebSocketTransport transport, KestrelTestHost? kestrel, WebApplication? inMemory, TestLogSink logs)
    {
        Transport = transport;
        _kestrel = kestrel;
        _inMemory = inMemory;
        Logs = logs;
        BaseUri = kestrel is null ? new Uri("ws://localhost/") : new UriBuilder(kestrel.AddressFor(Protocol)) { Scheme = "ws" }.Uri;
    }

    public WebSocketTransport Transport { get; }

    /// <summary>The ws:// address of the server (Kestrel's http:// address is <see cref="HttpUri"/>).</summary>
    public Uri BaseUri { get; }

    public Uri HttpUri => new UriBuilder(BaseUri) { Scheme = "http" }.Uri;

    public TestLogSink Logs { get; }

    public TestServer? TestServer => _inMemory?.GetTestServer();

    private KestrelProtocol Protocol => Transport == WebSocketTransport.Http2 ? KestrelProtocol.Http2 : KestrelProtocol.Http1;

    public static async Task<WebSocketTestHost> StartAsync(WebSocketTransport transport, AsgiApp asgiApp, Action<AsgiOptions>? configure = null)
    {
        // These tests are about connections: lifespan scopes end at once, which the bridge reads as "lifespan unsupported".
        AsgiApp app = (scope, receive, send) => scope is LifespanScope ? Task.CompletedTask : asgiApp(scope, receive, send);
        if (transport != WebSocketTransport.TestServer)
        {
            var kestrel = await KestrelTestHost.StartAsync(app, configure);
            return new WebSocketTestHost(transport, kestrel, inMemory: null, kestrel.Logs);
        }

        var builder = WebApplication.CreateSlimBuilder();
        var logs = new TestLogSink();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddAsgi(configure);
        builder.WebHost.UseTestServer();
        var inMemory = builder.Build();
        inMemory.UseAsgi(app);
        await inMemory.StartAsync();
        return new WebSocketTestHost(transport, kestrel: null, inMemory, logs);
    }

    /// <summary>Opens a WebSocket; on Kestrel the client collects the handshake response's status and headers.</summary>
    public async Task<WebSocket> ConnectAsync(string pathAndQuery = "/", IEnumerable<string>? subprotocols = null, Action<ClientWebSocketOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        if (_kestrel is null)
        {
            var client = TestServer!.CreateWebSocketClient();
            foreach (var protocol in subprotocols ?? [])
            {
                client.SubProtocols.Add(protocol);
            }

            return await client.ConnectAsync(new Uri(BaseUri, pathAndQuery), timeout.Token);
        }

        var kestrelClient = CreateKestrelClient(subprotocols, configure);
        try
        {
            await kestrelClient.ConnectAsync(pathAndQuery, timeout.Token);
        }
        catch
        {
            kestrelClient.Dispose();
            throw;
        }

        return kestrelClient.Socket;
    }

    /// <summary>
    /// Attempts a handshake the application is expected to refuse and returns the HTTP status the client saw
    /// (TestServer reports it only in its exception message).
    /// </summary>
    public async Task<(int Status, HttpResponseHeadersSnapshot Headers)> FailedHandshakeAsync(string pathAndQuery = "/", Action<ClientWebSocketOptions>? configure = null)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        if (_kestrel is null)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestServer!.CreateWebSocketClient().ConnectAsync(new Uri(BaseUri, pathAndQuery), timeout.Token));
            var match = System.Text.RegularExpressions.Regex.Match(error.Message, @"status code: (\d+)");
            Assert.True(match.Success, error.Message);
            return (int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), new HttpResponseHeadersSnapshot(null));
        }

        using var client = CreateKestrelClient(subprotocols: null, configure);
        await Assert.ThrowsAsync<WebSocketException>(() => client.ConnectAsync(pathAndQuery, timeout.Token));
        return ((int)client.Socket.HttpStatusCode, new HttpResponseHeadersSnapshot(client.Socket.HttpResponseHeaders));
    }

    public async ValueTask DisposeAsync()
    {
        if (_kestrel is not null)
        {
            await _kestrel.DisposeAsync();
        }

        if (_inMemory is not null)
        {
            await _inMemory.StopAsync();
            await _inMemory.DisposeAsync();
        }
    }

    /// <summary>A Kestrel client for the transport, with the subprotocols and options set but not connected.</summary>
    private KestrelWebSocketClient CreateKestrelClient(IEnumerable<string>? subprotocols, Action<ClientWebSocketOptions>? configure)
    {
        var client = _kestrel!.CreateWebSocketClient(Protocol);
        foreach (var protocol in subprotocols ?? [])
        {
            client.Socket.Options.AddSubProtocol(protocol);
        }

        configure?.Invoke(client.Socket.Options);
        return client;
    }
}
