using System.Runtime.CompilerServices;
using System.Text;

namespace AsgiBridge.Messages;

/// <summary>
/// The <c>http.response.body</c> event: a chunk of the response body. The bridge has copied and flushed the bytes
/// by the time <c>send</c> completes, so the caller may reuse its buffer.
/// </summary>
public sealed class HttpResponseBody : AsgiMessage
{
    /// <summary>Creates the event.</summary>
    /// <param name="body">The chunk (default empty).</param>
    /// <param name="moreBody">Whether more chunks follow (default <see langword="false"/>: this completes the response).</param>
    // Wins over the added overloads wherever it applies, so a byte[] or `default` argument keeps binding here (no copy).
    [OverloadResolutionPriority(1)]
    public HttpResponseBody(ReadOnlyMemory<byte> body = default, bool moreBody = false)
    {
        Body = body;
        MoreBody = moreBody;
    }

    /// <summary>Creates the event from text, encoded as UTF-8 (the Python port's <c>"...".encode()</c>).</summary>
    /// <param name="body">The text of the chunk.</param>
    /// <param name="moreBody">Whether more chunks follow (default <see langword="false"/>).</param>
    public HttpResponseBody(string body, bool moreBody = false)
        : this(Encoding.UTF8.GetBytes(body ?? throw new ArgumentNullException(nameof(body))), moreBody)
    {
    }

    /// <summary>
    /// Creates the event from a span, such as a <c>"..."u8</c> literal (the Python port's <c>b"..."</c>). The bytes are
    /// copied; on a hot path pass a cached <see cref="byte"/> array to the <see cref="ReadOnlyMemory{T}"/> overload instead.
    /// </summary>
    /// <param name="body">The bytes of the chunk.</param>
    /// <param name="moreBody">Whether more chunks follow (default <see langword="false"/>).</param>
    public HttpResponseBody(ReadOnlySpan<byte> body, bool moreBody = false)
        : this(body.ToArray(), moreBody)
    {
    }

    /// <summary>An empty, final chunk.</summary>
    public static HttpResponseBody Empty { get; } = new();

    /// <inheritdoc />
    public override string Type => AsgiMessageTypes.HttpResponseBody;

    /// <summary>The <c>body</c> field.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The <c>more_body</c> field.</summary>
    public bool MoreBody { get; }
}
