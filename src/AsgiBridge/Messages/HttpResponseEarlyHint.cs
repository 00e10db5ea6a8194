namespace AsgiBridge.Messages;

/// <summary>The <c>http.response.early_hint</c> event (early hints extension): <c>Link</c> values for a 103 response.</summary>
public sealed class HttpResponseEarlyHint : AsgiMessage
{
    /// <summary>Creates the event.</summary>
    /// <param name="links">The <c>Link</c> header values (RFC 8288).</param>
    public HttpResponseEarlyHint(IReadOnlyList<string> links)
    {
        Links = links ?? throw new ArgumentNullException(nameof(links));
    }

    /// <inheritdoc />
    public override string Type => AsgiMessageTypes.HttpResponseEarlyHint;

    /// <summary>The <c>links</c> field.</summary>
    public IReadOnlyList<string> Links { get; }
}
