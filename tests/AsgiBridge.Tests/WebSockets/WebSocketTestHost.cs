using System.Net;
using System.Net.WebSockets;
using AsgiBridge.Hosting;
using AsgiBridge.TestInfrastructure.Logging;
using AsgiBridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Tests.WebSockets;

/// <summary>Hosts one ASGI application behind <c>UseAsgi</c> on TestServer or Kestrel and opens WebSockets to it.</summary>
public sealed class WebSocketTestHost : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly WebApplication _app;
    private readonly HttpMessageInvoker? _invoker;

    private WebSocketTestHost(WebApplication app, WebSocketTransport transport, Uri baseUri, TestLogSink logs)
    {
        _app = app;
        Transport = transport;
        BaseUri = baseUri;
        Logs = logs;
        if (transport == WebSocketTransport.Http2)
        {
            _invoker = new HttpMessageInvoker(new SocketsHttpHandler { EnableMultipleHttp2Connections = true });
        }
    }

    public WebSocketTransport Transport { get; }

    /// <summary>The ws:// address of the server (http:// for Kestrel's raw address is in <see cref="HttpUri"/>).</summary>
    public Uri BaseUri { get; }

    public Uri HttpUri => new UriBuilder(BaseUri) { Scheme = "http" }.Uri;

    public TestLogSink Logs { get; }

    public TestServer? TestServer => Transport == WebSocketTransport.TestServer ? _app.GetTestServer() : null;

    public static async Task<WebSocketTestHost> StartAsync(WebSocketTransport transport, AsgiApp asgiApp, Action<AsgiOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        var logs = new TestLogSink();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddFilter<TestLogSink>(null, LogLevel.Debug);
        builder.Services.AddAsgi(configure);
        if (transport == WebSocketTransport.TestServer)
        {
            builder.WebHost.UseTestServer();
        }
        else
        {
            builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
                listen.Protocols = transport == WebSocketTransport.Http2 ? HttpProtocols.Http2 : HttpProtocols.Http1));
        }

        var app = builder.Build();
        // These tests are about connections: lifespan scopes end at once, which the bridge reads as "lifespan unsupported".
        app.UseAsgi((scope, receive, send) => scope is LifespanScope ? Task.CompletedTask : asgiApp(scope, receive, send));
        await app.StartAsync();

        Uri baseUri;
        if (transport == WebSocketTransport.TestServer)
        {
            baseUri = new Uri("ws://localhost/");
        }
        else
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            baseUri = new UriBuilder(address) { Scheme = "ws" }.Uri;
        }

        return new WebSocketTestHost(app, transport, baseUri, logs);
    }

    /// <summary>Opens a WebSocket; on Kestrel the client collects the handshake response's status and headers.</summary>
    public async Task<WebSocket> ConnectAsync(string pathAndQuery = "/", IEnumerable<string>? subprotocols = null, Action<ClientWebSocketOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var uri = new Uri(BaseUri, pathAndQuery);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        if (Transport == WebSocketTransport.TestServer)
        {
            var client = TestServer!.CreateWebSocketClient();
            foreach (var protocol in subprotocols ?? [])
            {
                client.SubProtocols.Add(protocol);
            }

            return await client.ConnectAsync(uri, timeout.Token);
        }

        var socket = CreateClient(subprotocols, configure);
        try
        {
            await ConnectAsync(socket, uri, timeout.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return socket;
    }

    /// <summary>A Kestrel client socket, configured for the transport but not connected.</summary>
    public ClientWebSocket CreateClient(IEnumerable<string>? subprotocols = null, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (Transport == WebSocketTransport.Http2)
        {
            socket.Options.HttpVersion = HttpVersion.Version20;
            socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }

        foreach (var protocol in subprotocols ?? [])
        {
            socket.Options.AddSubProtocol(protocol);
        }

        configure?.Invoke(socket.Options);
        return socket;
    }

    public Task ConnectAsync(ClientWebSocket socket, Uri uri, CancellationToken cancellationToken) =>
        _invoker is null ? socket.ConnectAsync(uri, cancellationToken) : socket.ConnectAsync(uri, _invoker, cancellationToken);

    /// <summary>
    /// Attempts a handshake the application is expected to refuse and returns the HTTP status the client saw
    /// (TestServer reports it only in its exception message).
    /// </summary>
    public async Task<(int Status, HttpResponseHeadersSnapshot Headers)> FailedHandshakeAsync(string pathAndQuery = "/", Action<ClientWebSocketOptions>? configure = null)
    {
        var uri = new Uri(BaseUri, pathAndQuery);
        using var timeout = new CancellationTokenSource(Timeout);
        if (Transport == WebSocketTransport.TestServer)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestServer!.CreateWebSocketClient().ConnectAsync(uri, timeout.Token));
            var match = System.Text.RegularExpressions.Regex.Match(error.Message, @"status code: (\d+)");
            Assert.True(match.Success, error.Message);
            return (int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), new HttpResponseHeadersSnapshot(null));
        }

        using var socket = CreateClient(configure: configure);
        await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(socket, uri, timeout.Token));
        return ((int)socket.HttpStatusCode, new HttpResponseHeadersSnapshot(socket.HttpResponseHeaders));
    }

    public async ValueTask DisposeAsync()
    {
        _invoker?.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The response headers of a handshake, when the transport exposes them.</summary>
public sealed class HttpResponseHeadersSnapshot(IReadOnlyDictionary<string, IEnumerable<string>>? headers)
{
    public bool Available => headers is not null;

    public string? Get(string name) =>
        headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value is { } values ? string.Join(",", values) : null;
}
