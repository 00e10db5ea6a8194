namespace AsgiBridge.Messages;

/// <summary>
/// The <c>http.response.start</c> event: status and headers. The bridge holds it until the first body event,
/// so a failure before then can still become a 500 and a single-event body gets a <c>Content-Length</c>.
/// </summary>
public sealed class HttpResponseStart : AsgiMessage
{
    /// <summary>Creates the event.</summary>
    /// <param name="status">The HTTP status code.</param>
    /// <param name="headers">Response headers with lower-case names, in order (default none).</param>
    /// <param name="trailers">Whether <c>http.response.trailers</c> will follow the body (default <see langword="false"/>).</param>
    public HttpResponseStart(int status, IReadOnlyList<AsgiHeader>? headers = null, bool trailers = false)
    {
        Status = status;
        Headers = headers ?? Array.Empty<AsgiHeader>();
        Trailers = trailers;
    }

    /// <inheritdoc />
    public override string Type => AsgiMessageTypes.HttpResponseStart;

    /// <summary>The <c>status</c> field.</summary>
    public int Status { get; }

    /// <summary>The <c>headers</c> field.</summary>
    public IReadOnlyList<AsgiHeader> Headers { get; }

    /// <summary>The <c>trailers</c> field.</summary>
    public bool Trailers { get; }
}
