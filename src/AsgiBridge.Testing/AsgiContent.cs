using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AsgiBridge.Testing.Http;

namespace AsgiBridge.Testing;

/// <summary>
/// Request bodies for tests. These are ordinary <see cref="HttpContent"/> instances, so they work with
/// <see cref="AsgiTestClient"/>'s methods, with its <see cref="AsgiTestClient.Http"/> client and with a real server alike.
/// </summary>
public static class AsgiContent
{
    /// <summary>Raw bytes, sent as one chunk with a <c>Content-Length</c>.</summary>
    /// <param name="bytes">The body.</param>
    /// <param name="contentType">The media type (default <c>application/octet-stream</c>).</param>
    /// <returns>The content.</returns>
    public static HttpContent Bytes(ReadOnlyMemory<byte> bytes, string contentType = "application/octet-stream")
    {
        var content = new ReadOnlyMemoryContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    /// <summary>UTF-8 text.</summary>
    /// <param name="text">The body.</param>
    /// <param name="mediaType">The media type (default <c>text/plain</c>).</param>
    /// <returns>The content.</returns>
    public static HttpContent Text(string text, string mediaType = "text/plain") => new StringContent(text, Encoding.UTF8, mediaType);

    /// <summary>A value serialized as JSON with <see cref="System.Text.Json"/> (web defaults: camelCase).</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="options">Serializer options; web defaults when <see langword="null"/>.</param>
    /// <returns>The content, <c>application/json; charset=utf-8</c>.</returns>
    public static HttpContent Json<T>(T value, JsonSerializerOptions? options = null)
    {
        // Serialized up front so the body has a Content-Length, as a browser or HttpClient.PostAsJsonAsync would not guarantee.
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, options ?? JsonSerializerOptions.Web);
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    /// <summary>An HTML form, <c>application/x-www-form-urlencoded</c>.</summary>
    /// <param name="fields">The fields, in order (repeated names are kept).</param>
    /// <returns>The content.</returns>
    public static HttpContent Form(params IEnumerable<(string Name, string Value)> fields) =>
        new FormUrlEncodedContent(fields.Select(static f => new KeyValuePair<string, string>(f.Name, f.Value)));

    /// <summary>A <c>multipart/form-data</c> body; add parts with <see cref="MultipartFormDataContent.Add(HttpContent, string, string)"/>.</summary>
    /// <param name="fields">Text fields to start with.</param>
    /// <returns>The content, to which files can be added.</returns>
    public static MultipartFormDataContent Multipart(params IEnumerable<(string Name, string Value)> fields)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            content.Add(new StringContent(value), name);
        }

        return content;
    }

    /// <summary>
    /// A streamed body without a <c>Content-Length</c> (chunked): each element becomes one <c>http.request</c> event with
    /// <c>more_body=true</c> in process, followed by an empty final one. The sequence may wait (for example on a signal
    /// from the test), which makes it a request that is still being sent while the application answers.
    /// </summary>
    /// <param name="chunks">The chunks.</param>
    /// <param name="contentType">The media type, or <see langword="null"/> for none.</param>
    /// <returns>The content.</returns>
    public static HttpContent Streamed(IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, string? contentType = null)
    {
        var content = new StreamedContent(chunks);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return content;
    }

    /// <summary>A streamed body from a list of chunks; see <see cref="Streamed(IAsyncEnumerable{ReadOnlyMemory{byte}}, string?)"/>.</summary>
    /// <param name="chunks">The chunks.</param>
    /// <returns>The content.</returns>
    public static HttpContent Streamed(params IEnumerable<byte[]> chunks) => Streamed(ToAsync(chunks));

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> ToAsync(IEnumerable<byte[]> chunks)
    {
        foreach (var chunk in chunks)
        {
            await Task.Yield();
            yield return chunk;
        }
    }
}
