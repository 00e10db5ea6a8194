using System.Text;
using System.Text.Json;

namespace AsgiBridge.Testing;

/// <summary>A complete response: status, headers, the whole body and any trailers.</summary>
public sealed class AsgiTestResponse : AsgiResponseHead, IDisposable
{
    internal AsgiTestResponse(HttpResponseMessage message, byte[] body)
        : base(message)
    {
        Body = body;
    }

    /// <summary>The body bytes.</summary>
    public byte[] Body { get; }

    /// <summary>The body decoded as UTF-8.</summary>
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>
    /// What the application sent in <c>http.response.debug</c>, or <see langword="null"/>. The extension is not advertised
    /// (as on the server, which accepts the message before the start and ignores it); the client copies it aside when it
    /// owns the host, not through <see cref="AsgiTestClient.ForServer"/>.
    /// </summary>
    public IReadOnlyDictionary<string, object?>? DebugInfo => Slot?.DebugInfo;

    /// <summary>Deserializes the body as JSON (web defaults: camelCase, case-insensitive).</summary>
    /// <typeparam name="T">The target type.</typeparam>
    /// <param name="options">Serializer options; web defaults when <see langword="null"/>.</param>
    /// <returns>The value.</returns>
    public T? Json<T>(JsonSerializerOptions? options = null) => JsonSerializer.Deserialize<T>(Body, options ?? JsonSerializerOptions.Web);

    /// <summary>Parses the body as a JSON document.</summary>
    /// <returns>The root element (a detached copy).</returns>
    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Body);
        return document.RootElement.Clone();
    }

    /// <summary>Throws unless the status is the expected one; the message includes the body to ease diagnosis.</summary>
    /// <param name="expected">The expected status.</param>
    /// <returns>This response.</returns>
    /// <exception cref="InvalidOperationException">The status differs.</exception>
    public AsgiTestResponse EnsureStatus(int expected)
    {
        if (Status != expected)
        {
            throw new InvalidOperationException($"Expected status {expected} but got {Status}. Body: {Text}");
        }

        return this;
    }

    /// <inheritdoc />
    public void Dispose() => Message.Dispose();
}
