using System.Text;

namespace AsgiBridge.Testing;

/// <summary>Convenience HTTP methods: each runs one request and returns the whole response.</summary>
public sealed partial class AsgiTestClient
{
    /// <summary>Sends a GET request.</summary>
    /// <param name="path">The path (and optional query), relative to the base address.</param>
    /// <param name="options">Query parameters and headers.</param>
    /// <param name="cancellationToken">Cancelling disconnects the client.</param>
    /// <returns>The response.</returns>
    public Task<AsgiTestResponse> GetAsync(string path, AsgiRequestOptions? options = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, path, null, options, cancellationToken);

    /// <summary>Sends a HEAD request.</summary>
    /// <param name="path">The path.</param>
    /// <param name="options">Query parameters and headers.</param>
    /// <param name="cancellationToken">Cancelling disconnects the client.</param>
    /// <returns>The response (its body is empty, as on the wire).</returns>
    public Task<AsgiTestResponse> HeadAsync(string path, AsgiRequestOptions? options = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Head, path, null, options, cancellationToken);

    /// <summary>Sends an OPTIONS request.</summary>
    /// <param name="path">The path.</param>
    /// <param name="options">Query parameters and headers.</param>
    /// <param name="cancellationToken">Cancelling disconnects the client.</param>
    /// <returns>The response.</returns>
    public Task<AsgiTestResponse> OptionsAsync(string path, AsgiRequestOptions? options = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Options, path, null, options, cancellationToken);

    /// <summary>Sends a DELETE request.</summary>
    /// <param name="path">The path.</param>
    /// <param name="options">Query parameters and headers.</param>
    /// <param name="cancellationToken">Cancelling disconnects the client.</param>
    /// <returns>The response.</returns>
    public Task<AsgiTestResponse> DeleteAsync(string path, AsgiRequestOptions? options = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, path, null, options, cancellationToken);

    /// <summary>Sends a POST request.</summary>
    /// <param name="path">The path.</param>
    /// <param name="content">The body (see <see cref="AsgiContent"/>), or <see langword="null"/>.</param>
    /// <param name="options">Query parameters and headers.</param>
    /// <param name="cancellationToken">Cancelling disconnects the client.</param>
    /// <returns>The response.</returns>
    public Task<AsgiTestResponse> PostAsync(string path, HttpContent? content = null, AsgiRequestOptions? options = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, path, content, options, cancellationToken);

    /// <summary>Sends a PUT request.</summary>
    /// <param name="path">The path.</param>
    /// <param name="content">The body, or <see langword="null"/>.</param>
    /// <param name="options">Query parameters and headers.</param>
    /// <param name="cancellationToken">Cancelling disconnects the client.</param>
    /// <returns>The response.</returns>
    public Task<AsgiTestResponse> PutAsync(string path, HttpContent? content = null, AsgiRequestOptions? options = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, path, content, options, cancellationToken);

    /// <summary>Sends a PATCH request.</summary>
    /// <param name="path">The path.</param>
    /// <param name="content">The body, or <see langword="null"/>.</param>
    /// <param name="options">Query parameters and headers.</param>
    /// <param name="cancellationToken">Cancelling disconnects the client.</param>
    /// <returns>The response.</returns>
    public Task<AsgiTestResponse> PatchAsync(string path, HttpContent? content = null, AsgiRequestOptions? options = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Patch, path, content, options, cancellationToken);

    /// <summary>
    /// Sends a request and reads the whole response. With <see cref="AsgiTestClientOptions.RaiseServerExceptions"/> on it
    /// returns once the application has finished (as starlette's TestClient does), so an exception raised even after the
    /// response, or a protocol violation the application caught, fails the call.
    /// </summary>
    /// <param name="method">The method.</param>
    /// <param name="path">The path.</param>
    /// <param name="content">The body, or <see langword="null"/>.</param>
    /// <param name="options">Query parameters and headers.</param>
    /// <param name="cancellationToken">Cancelling disconnects the client.</param>
    /// <returns>The response.</returns>
    public async Task<AsgiTestResponse> SendAsync(HttpMethod method, string path, HttpContent? content = null, AsgiRequestOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(method, path, content, options);
        var message = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        try
        {
            // Read through the stream, not ReadAsByteArrayAsync: HttpClient would wrap an IOException the application raised.
            var stream = await message.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var body = new MemoryStream();
            await stream.CopyToAsync(body, cancellationToken).ConfigureAwait(false);
            return new AsgiTestResponse(message, body.ToArray());
        }
        catch
        {
            message.Dispose();
            throw;
        }
    }

    /// <summary>Sends a request and returns as soon as the response starts; read the body as it streams.</summary>
    /// <param name="method">The method.</param>
    /// <param name="path">The path.</param>
    /// <param name="content">The body, or <see langword="null"/>.</param>
    /// <param name="options">Query parameters and headers.</param>
    /// <param name="cancellationToken">Cancelling disconnects the client.</param>
    /// <returns>The streaming response; dispose it to disconnect.</returns>
    public async Task<AsgiStreamingResponse> StreamAsync(HttpMethod method, string path, HttpContent? content = null, AsgiRequestOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var request = CreateRequest(method, path, content, options);
        var message = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        return new AsgiStreamingResponse(message);
    }

    /// <summary>Builds a request message as the convenience methods do: the path with the query parameters appended, and the headers.</summary>
    /// <param name="method">The method.</param>
    /// <param name="path">The path, relative to the base address.</param>
    /// <param name="content">The body, or <see langword="null"/>.</param>
    /// <param name="options">Query parameters and headers.</param>
    /// <returns>The request.</returns>
    public static HttpRequestMessage CreateRequest(HttpMethod method, string path, HttpContent? content = null, AsgiRequestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        var target = new StringBuilder(path);
        if (options is not null)
        {
            var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            foreach (var (name, value) in options.Query)
            {
                target.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
                separator = '&';
            }
        }

        var request = new HttpRequestMessage(method, new Uri(target.ToString(), UriKind.RelativeOrAbsolute)) { Content = content };
        if (options is not null)
        {
            foreach (var (name, value) in options.Headers)
            {
                if (!request.Headers.TryAddWithoutValidation(name, value))
                {
                    if (content is null)
                    {
                        throw new ArgumentException($"Header '{name}' describes a body, but the request has no content.", nameof(options));
                    }

                    content.Headers.TryAddWithoutValidation(name, value);
                }
            }
        }

        return request;
    }
}
