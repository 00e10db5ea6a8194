namespace AsgiBridge.Testing;

/// <summary>Per-request additions for the convenience methods of <see cref="AsgiTestClient"/>: query parameters and headers.</summary>
/// <example><code>
/// await client.GetAsync("/search", new() { Query = { ("q", "a b"), ("page", "2") }, Headers = { ("accept", "application/json") } });
/// </code></example>
public sealed class AsgiRequestOptions
{
    /// <summary>Query parameters, percent-encoded and appended to the path in order (repeated names are kept).</summary>
    public IList<(string Name, string Value)> Query { get; } = [];

    /// <summary>Request headers, in order (repeated names are kept).</summary>
    public IList<(string Name, string Value)> Headers { get; } = [];
}
