namespace AsgiBridge.Tests.WebSockets;

/// <summary>The response headers of a handshake, when the transport exposes them.</summary>
public sealed class HttpResponseHeadersSnapshot(IReadOnlyDictionary<string, IEnumerable<string>>? headers)
{
    public bool Available => headers is not null;

    public string? Get(string name) =>
        headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value is { } values ? string.Join(",", values) : null;
}
