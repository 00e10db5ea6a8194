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
    public HttpResponseBody(ReadOnlyMemory<byte> body = default, bool moreBody = false)
    {
        Body = body;
        MoreBody = moreBody;
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
