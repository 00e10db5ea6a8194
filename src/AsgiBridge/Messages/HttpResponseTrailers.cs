namespace AsgiBridge.Messages;

/// <summary>The <c>http.response.trailers</c> event (trailers extension): trailing headers after the last body chunk.</summary>
public sealed class HttpResponseTrailers : AsgiMessage
{
    /// <summary>Creates the event.</summary>
    /// <param name="headers">Trailer fields with lower-case names.</param>
    /// <param name="moreTrailers">Whether more trailer events follow (default <see langword="false"/>: this completes the response).</param>
    public HttpResponseTrailers(IReadOnlyList<AsgiHeader>? headers = null, bool moreTrailers = false)
    {
        Headers = headers ?? Array.Empty<AsgiHeader>();
        MoreTrailers = moreTrailers;
    }

    /// <inheritdoc />
    public override string Type => AsgiMessageTypes.HttpResponseTrailers;

    /// <summary>The <c>headers</c> field.</summary>
    public IReadOnlyList<AsgiHeader> Headers { get; }

    /// <summary>The <c>more_trailers</c> field.</summary>
    public bool MoreTrailers { get; }
}
