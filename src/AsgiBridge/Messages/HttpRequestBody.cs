using System.Runtime.CompilerServices;
using System.Text;

namespace AsgiBridge.Messages;

/// <summary>
/// The <c>http.request</c> event: a chunk of the request body. <see cref="MoreBody"/> is <see langword="true"/>
/// while more chunks follow; the application concatenates the chunks. The bytes the bridge delivers belong to the
/// application, unless <c>AsgiOptions.RequestBodyBuffers</c> is <c>Pooled</c>: then they are valid until the application returns.
/// </summary>
public sealed class HttpRequestBody : AsgiMessage
{
    /// <summary>Creates the event.</summary>
    /// <param name="body">The chunk (default empty).</param>
    /// <param name="moreBody">Whether more chunks follow (default <see langword="false"/>).</param>
    // Wins over the added overloads wherever it applies, so a byte[] or `default` argument keeps binding here (no copy).
    [OverloadResolutionPriority(1)]
    public HttpRequestBody(ReadOnlyMemory<byte> body = default, bool moreBody = false)
    {
        Body = body;
        MoreBody = moreBody;
    }

    /// <summary>Creates the event from text, encoded as UTF-8 (the Python port's <c>"...".encode()</c>).</summary>
    /// <param name="body">The text of the chunk.</param>
    /// <param name="moreBody">Whether more chunks follow (default <see langword="false"/>).</param>
    public HttpRequestBody(string body, bool moreBody = false)
        : this(Encoding.UTF8.GetBytes(body ?? throw new ArgumentNullException(nameof(body))), moreBody)
    {
    }

    /// <summary>
    /// Creates the event from a span, such as a <c>"..."u8</c> literal (the Python port's <c>b"..."</c>). The bytes are
    /// copied; on a hot path pass a cached <see cref="byte"/> array to the <see cref="ReadOnlyMemory{T}"/> overload instead.
    /// </summary>
    /// <param name="body">The bytes of the chunk.</param>
    /// <param name="moreBody">Whether more chunks follow (default <see langword="false"/>).</param>
    public HttpRequestBody(ReadOnlySpan<byte> body, bool moreBody = false)
        : this(body.ToArray(), moreBody)
    {
    }

    /// <summary>An empty, final chunk: what a request without a body yields.</summary>
    public static HttpRequestBody Empty { get; } = new();

    /// <inheritdoc />
    public override string Type => AsgiMessageTypes.HttpRequest;

    /// <summary>The <c>body</c> field.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The <c>more_body</c> field.</summary>
    public bool MoreBody { get; }
}
