namespace AsgiBridge.Toolkit;

/// <summary>An HTML response (<c>text/html; charset=utf-8</c>).</summary>
public sealed class HtmlResponse : TextResponse
{
    /// <summary>Creates the response.</summary>
    /// <param name="html">The HTML.</param>
    /// <param name="status">The status code (default 200).</param>
    public HtmlResponse(string html, int status = 200)
        : base(html, status, "text/html")
    {
    }
}
