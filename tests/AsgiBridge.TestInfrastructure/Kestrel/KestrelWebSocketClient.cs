using System.Net;
using System.Net.WebSockets;

namespace AsgiBridge.TestInfrastructure.Kestrel;

/// <summary>
/// A <see cref="ClientWebSocket"/> for one endpoint of a <see cref="KestrelTestHost"/>: HTTP/1.1 Upgrade or HTTP/2
/// extended CONNECT (version 2.0, <see cref="HttpVersionPolicy.RequestVersionExact"/>), with the handshake response
/// details collected and a <see cref="RequestId"/> whose outcome the host records.
/// </summary>
public sealed class KestrelWebSocketClient : IDisposable
{
    private readonly Uri _baseAddress;
    private readonly HttpMessageInvoker? _invoker;

    internal KestrelWebSocketClient(Uri httpAddress, KestrelProtocol protocol, HttpMessageInvoker? invoker)
    {
        _baseAddress = new UriBuilder(httpAddress) { Scheme = "ws" }.Uri;
        _invoker = invoker;
        Protocol = protocol;
        Socket.Options.CollectHttpResponseDetails = true;
        Socket.Options.SetRequestHeader(OutcomeRecorder.Header, RequestId);
        if (protocol == KestrelProtocol.Http2)
        {
            Socket.Options.HttpVersion = HttpVersion.Version20;
            Socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }
    }

    /// <summary>The protocol the handshake uses.</summary>
    public KestrelProtocol Protocol { get; }

    /// <summary>The socket; set its options before <see cref="ConnectAsync"/>.</summary>
    public ClientWebSocket Socket { get; } = new();

    /// <summary>The id under which the host records this connection's outcome.</summary>
    public string RequestId { get; } = OutcomeRecorder.NewId();

    /// <summary>Runs the handshake.</summary>
    /// <param name="pathAndQuery">The target, relative to the host.</param>
    /// <param name="cancellationToken">Stops the handshake.</param>
    /// <returns>A task that completes when the socket is open.</returns>
    /// <exception cref="WebSocketException">The server refused; <see cref="ClientWebSocket.HttpStatusCode"/> has its status.</exception>
    public Task ConnectAsync(string pathAndQuery, CancellationToken cancellationToken = default)
    {
        var uri = new Uri(_baseAddress, pathAndQuery);
        return _invoker is null ? Socket.ConnectAsync(uri, cancellationToken) : Socket.ConnectAsync(uri, _invoker, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => Socket.Dispose();
}
