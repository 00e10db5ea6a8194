namespace AsgiBridge.Tests.WebSockets;

/// <summary>Where a WebSocket test runs: the in-memory TestServer, or real Kestrel over HTTP/1.1 or HTTP/2 (RFC 8441).</summary>
public enum WebSocketTransport
{
    TestServer,
    Http1,
    Http2,
}
