namespace AsgiBridge.Testing.Tests.Parity;

/// <summary>One request of the shared suite; <see cref="ToString"/> names it in test output.</summary>
/// <param name="Name">The case name.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Target">The path and query.</param>
/// <param name="Content">Creates the body (a fresh one per run), or <see langword="null"/>.</param>
/// <param name="Headers">Request headers.</param>
public sealed record ParityCase(string Name, string Method, string Target, Func<HttpContent>? Content = null, params (string Name, string Value)[] Headers)
{
    /// <summary>
    /// For an application that reports a result at the end of a body whose size depends on the transport (it fills the
    /// connection until a send is pending): the client waits for the application's signal before reading, and only the
    /// body's last line is compared.
    /// </summary>
    public bool Gated { get; init; }

    public HttpRequestMessage CreateRequest(Version version, string? token)
    {
        var target = token is null ? Target : $"{Target}{(Target.Contains('?', StringComparison.Ordinal) ? '&' : '?')}token={token}";
        var request = new HttpRequestMessage(new HttpMethod(Method), target)
        {
            Content = Content?.Invoke(),
            Version = version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        foreach (var (name, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    public override string ToString() => Name;
}
