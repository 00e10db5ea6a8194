namespace AsgiBridge.Messages;

/// <summary>
/// The <c>http.request</c> event: a chunk of the request body. <see cref="MoreBody"/> is <see langword="true"/>
/// while more chunks follow; the application concatenates the chunks. The bytes belong to the application.
/// </summary>
public sealed class HttpRequestBody : AsgiMessage
{
    /// <summary>Creates the event.</summary>
    /// <param name="body">The chunk (default empty).</param>
    /// <param name="moreBody">Whether more chunks follow (default <see langword="false"/>).</param>
    public HttpRequestBody(ReadOnlyMemory<byte> body = default, bool moreBody = false)
    {
        Body = body;
        MoreBody = moreBody;
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
