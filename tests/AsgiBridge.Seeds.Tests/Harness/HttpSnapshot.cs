using System.Text;

namespace AsgiBridge.Seeds.Tests.Harness;

/// <summary>
/// What a client saw of one HTTP response, normalised for comparing servers: the status, the headers that carry the
/// application's meaning (names lower-cased, values as sent; the servers' own <c>date</c> and <c>server</c> and the framing
/// headers <c>content-length</c>/<c>transfer-encoding</c>, where uvicorn and Kestrel legitimately differ, left out) and
/// the body.
/// </summary>
/// <param name="Status">The status code.</param>
/// <param name="Headers">The headers, sorted by name (values of one name in arrival order).</param>
/// <param name="Body">The body bytes.</param>
internal sealed record HttpSnapshot(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    private static readonly HashSet<string> s_serverOwn = new(StringComparer.OrdinalIgnoreCase) { "date", "server", "content-length", "transfer-encoding" };

    /// <summary>The body as UTF-8.</summary>
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>Reads a response (its whole body).</summary>
    /// <param name="response">The response.</param>
    /// <returns>The snapshot.</returns>
    public static async Task<HttpSnapshot> ReadAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return new HttpSnapshot((int)response.StatusCode, HeadersOf(response), await response.Content.ReadAsByteArrayAsync());
    }

    private static List<KeyValuePair<string, string>> HeadersOf(HttpResponseMessage response) =>
        response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated)
            .Where(h => !s_serverOwn.Contains(h.Key))
            .SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key.ToLowerInvariant(), v)))
            .OrderBy(h => h.Key, StringComparer.Ordinal)
            .ToList();

    /// <summary>Reads a response's status and headers only, leaving its body unread (for streams).</summary>
    /// <param name="response">The response.</param>
    /// <returns>The snapshot, with an empty body.</returns>
    public static Task<HttpSnapshot> ReadHeadAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return Task.FromResult(new HttpSnapshot((int)response.StatusCode, HeadersOf(response), []));
    }

    /// <summary>The value of a header, or <see langword="null"/>.</summary>
    /// <param name="name">The lower-case name.</param>
    /// <returns>The first value.</returns>
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Key == name).Value;

    /// <summary>A readable rendering (status, headers, body) for assertions that show the difference.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        $"{Status}\n{string.Concat(Headers.Select(h => $"{h.Key}: {h.Value}\n"))}\n{Text}";
}

/// <summary>Compares snapshots by their rendering, so a failure shows both.</summary>
internal sealed class HttpSnapshotComparer : IEqualityComparer<HttpSnapshot>
{
    /// <summary>The comparer.</summary>
    public static HttpSnapshotComparer Instance { get; } = new();

    /// <inheritdoc />
    public bool Equals(HttpSnapshot? x, HttpSnapshot? y) => x?.ToString() == y?.ToString();

    /// <inheritdoc />
    public int GetHashCode(HttpSnapshot obj) => obj.ToString().GetHashCode(StringComparison.Ordinal);
}
