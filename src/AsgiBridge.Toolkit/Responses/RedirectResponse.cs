namespace AsgiBridge.Toolkit;

/// <summary>A redirect: an empty body and a <c>location</c> header (307 by default, so the method and body are kept).</summary>
public sealed class RedirectResponse : BytesResponse
{
    /// <summary>Creates the response.</summary>
    /// <param name="url">The target URL, already percent-encoded.</param>
    /// <param name="status">The status code: 301, 302, 303, 307 (default) or 308.</param>
    public RedirectResponse(string url, int status = 307)
        : base(ReadOnlyMemory<byte>.Empty, status, mediaType: null)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (status is not (301 or 302 or 303 or 307 or 308))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A redirect status is 301, 302, 303, 307 or 308.");
        }

        Headers.Add(new AsgiHeader("location", url));
    }
}
