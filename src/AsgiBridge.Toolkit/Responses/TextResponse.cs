using System.Text;

namespace AsgiBridge.Toolkit;

/// <summary>A UTF-8 text response (<c>text/plain; charset=utf-8</c> by default).</summary>
public class TextResponse : BytesResponse
{
    /// <summary>Creates the response.</summary>
    /// <param name="text">The text.</param>
    /// <param name="status">The status code (default 200).</param>
    /// <param name="mediaType">The media type (default <c>text/plain</c>).</param>
    public TextResponse(string text, int status = 200, string mediaType = "text/plain")
        : base(Encoding.UTF8.GetBytes(text ?? throw new ArgumentNullException(nameof(text))), status, mediaType)
    {
    }
}
