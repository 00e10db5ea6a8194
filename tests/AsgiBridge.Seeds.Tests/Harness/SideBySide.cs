using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using AsgiBridge.Hosting;
using AsgiBridge.TestInfrastructure.Kestrel;
using Microsoft.Extensions.DependencyInjection;

namespace AsgiBridge.Seeds.Tests.Harness;

/// <summary>
/// A Python original on uvicorn and its C# port on AsgiBridge over real Kestrel (the shared <see cref="KestrelTestHost"/>),
/// started together, with one HTTP/1.1 client for each, so a test drives both the same way and compares what it saw.
/// </summary>
internal sealed class SideBySide : IAsyncDisposable
{
    private readonly ConcurrentBag<ClientWebSocket> _sockets = [];

    private SideBySide(UvicornServer uvicorn, KestrelTestHost bridge)
    {
        Uvicorn = uvicorn;
        Bridge = bridge;
        UvicornClient = uvicorn.CreateClient();
        BridgeClient = bridge.CreateClient(KestrelProtocol.Http1);
    }

    /// <summary>The original on uvicorn.</summary>
    public UvicornServer Uvicorn { get; }

    /// <summary>The port on AsgiBridge.</summary>
    public KestrelTestHost Bridge { get; }

    /// <summary>An HTTP/1.1 client of uvicorn.</summary>
    public HttpClient UvicornClient { get; }

    /// <summary>An HTTP/1.1 client of the bridge (its requests carry the host's request id, which the app never sees).</summary>
    public HttpClient BridgeClient { get; }

    /// <summary>Starts both servers.</summary>
    /// <param name="python">The original, <c>module:attribute</c>.</param>
    /// <param name="port">The C# port.</param>
    /// <param name="lifespan">uvicorn's <c>--lifespan</c>; the bridge runs its default (Auto), which is uvicorn's auto.</param>
    /// <param name="asgi">Bridge options.</param>
    /// <param name="services">Bridge host services.</param>
    /// <returns>Both, running.</returns>
    public static async Task<SideBySide> StartAsync(string python, AsgiApp port, string lifespan = "auto", Action<AsgiOptions>? asgi = null,
        Action<IServiceCollection>? services = null)
    {
        var uvicorn = UvicornServer.StartAsync(python, lifespan);
        var bridge = KestrelTestHost.StartAsync(port, asgi, services);
        try
        {
            await Task.WhenAll(uvicorn, bridge);
        }
        catch
        {
            if (uvicorn.IsCompletedSuccessfully)
            {
                await uvicorn.Result.DisposeAsync();
            }

            if (bridge.IsCompletedSuccessfully)
            {
                await bridge.Result.DisposeAsync();
            }

            throw;
        }

        return new SideBySide(uvicorn.Result, bridge.Result);
    }

    /// <summary>Sends the same request to both and reads both responses.</summary>
    /// <param name="request">Sends the request with the given client.</param>
    /// <returns>What uvicorn and the bridge answered.</returns>
    public async Task<(HttpSnapshot Uvicorn, HttpSnapshot Bridge)> BothAsync(Func<HttpClient, Task<HttpResponseMessage>> request)
    {
        using var uvicorn = await request(UvicornClient);
        using var bridge = await request(BridgeClient);
        return (await HttpSnapshot.ReadAsync(uvicorn), await HttpSnapshot.ReadAsync(bridge));
    }

    /// <summary>Sends the same request to both and asserts the responses are the same.</summary>
    /// <param name="request">Sends the request.</param>
    /// <returns>The (equal) snapshot.</returns>
    public async Task<HttpSnapshot> AssertSameAsync(Func<HttpClient, Task<HttpResponseMessage>> request)
    {
        var (uvicorn, bridge) = await BothAsync(request);
        Assert.Equal(uvicorn.ToString(), bridge.ToString());
        return bridge;
    }

    /// <summary>
    /// Sends the same request to both and asserts the same status and headers, and bodies that are the same JSON value
    /// (JSON serialisers legitimately differ in escaping and spacing).
    /// </summary>
    /// <param name="request">Sends the request.</param>
    /// <returns>Both snapshots.</returns>
    public async Task<(HttpSnapshot Uvicorn, HttpSnapshot Bridge)> AssertSameJsonAsync(Func<HttpClient, Task<HttpResponseMessage>> request)
    {
        var (uvicorn, bridge) = await BothAsync(request);
        Assert.Equal(uvicorn with { Body = [] }, bridge with { Body = [] }, HttpSnapshotComparer.Instance);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(uvicorn.Body), JsonNode.Parse(bridge.Body)), $"The JSON bodies differ:\n{uvicorn.Text}\n{bridge.Text}");
        return (uvicorn, bridge);
    }

    /// <summary>
    /// Sends the same request to both, both answering the server's own 500: the same status, content type and body.
    /// uvicorn also closes the connection (<c>connection: close</c>); Kestrel keeps it open for the next request.
    /// </summary>
    /// <param name="request">Sends the request.</param>
    /// <returns>A task that completes when both were compared.</returns>
    public async Task AssertSameErrorAsync(Func<HttpClient, Task<HttpResponseMessage>> request)
    {
        var (uvicorn, bridge) = await BothAsync(request);
        Assert.Equal("500\nconnection: close\ncontent-type: text/plain; charset=utf-8\n\nInternal Server Error", uvicorn.ToString());
        Assert.Equal("500\ncontent-type: text/plain; charset=utf-8\n\nInternal Server Error", bridge.ToString());
    }

    /// <summary>GETs <paramref name="path"/> on both and asserts the responses are the same.</summary>
    /// <param name="path">The path and query.</param>
    /// <returns>The (equal) snapshot.</returns>
    public Task<HttpSnapshot> AssertSameGetAsync(string path) => AssertSameAsync(client => client.GetAsync(new Uri(path, UriKind.Relative)));

    /// <summary>The <c>ws://</c> address of a path on uvicorn.</summary>
    public Uri UvicornWebSocket(string path) => new(new UriBuilder(Uvicorn.Address) { Scheme = "ws" }.Uri, path);

    /// <summary>Opens a WebSocket to <paramref name="path"/> on both servers (HTTP/1.1 Upgrade on each).</summary>
    /// <param name="path">The path and query.</param>
    /// <param name="configure">Sets options (subprotocols, headers) on both sockets.</param>
    /// <returns>The open sockets, disposed with the servers.</returns>
    public async Task<(ClientWebSocket Uvicorn, ClientWebSocket Bridge)> ConnectBothAsync(string path, Action<ClientWebSocketOptions>? configure = null)
    {
        var (uvicorn, bridge) = (CreateUvicornWebSocket(), Bridge.CreateWebSocketClient(KestrelProtocol.Http1));
        configure?.Invoke(uvicorn.Options);
        configure?.Invoke(bridge.Socket.Options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Task.WhenAll(uvicorn.ConnectAsync(UvicornWebSocket(path), timeout.Token), bridge.ConnectAsync(path, timeout.Token));
        return (uvicorn, bridge.Socket);
    }

    /// <summary>A WebSocket client for uvicorn, not yet connected, disposed with the servers.</summary>
    /// <returns>The socket.</returns>
    public ClientWebSocket CreateUvicornWebSocket()
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        _sockets.Add(socket);
        return socket;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        await Uvicorn.DisposeAsync();
        await Bridge.DisposeAsync();
    }
}
