namespace AsgiBridge.TestInfrastructure.Kestrel;

/// <summary>Which endpoint of a <see cref="KestrelTestHost"/> a client talks to.</summary>
public enum KestrelProtocol
{
    /// <summary>The HTTP/1.1 endpoint (WebSockets by Upgrade).</summary>
    Http1,

    /// <summary>The cleartext HTTP/2 endpoint with prior knowledge, h2c (WebSockets by extended CONNECT, RFC 8441).</summary>
    Http2,
}
