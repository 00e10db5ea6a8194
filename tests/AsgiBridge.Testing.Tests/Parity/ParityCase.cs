namespace AsgiBridge.Testing.Tests.Parity;

/// <summary>One request of the shared suite; <see cref="ToString"/> names it in test output.</summary>
/// <param name="Name">The case name.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Target">The path and query.</param>
/// <param name="Content">Creates the body (a fresh one per run), or <see langword="null"/>.</param>
/// <param name="Headers">Request headers.</param>
public sealed record ParityCase(string Name, string Method, string Target, Func<HttpContent>? Content = null, params (string Name, string Value)[] Headers)
{
    public HttpRequestMessage CreateRequest(Version version)
    {
        var request = new HttpRequestMessage(new HttpMethod(Method), Target)
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
