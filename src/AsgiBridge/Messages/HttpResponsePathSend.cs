namespace AsgiBridge.Messages;

/// <summary>
/// The <c>http.response.pathsend</c> event (pathsend extension): send a whole file as the complete body. It cannot be
/// mixed with <see cref="HttpResponseBody"/>; the start event must carry <c>content-type</c> and <c>content-length</c>.
/// </summary>
public sealed class HttpResponsePathSend : AsgiMessage
{
    /// <summary>Creates the event.</summary>
    /// <param name="path">The absolute path of the file.</param>
    public HttpResponsePathSend(string path)
    {
        Path = path ?? throw new ArgumentNullException(nameof(path));
    }

    /// <inheritdoc />
    public override string Type => AsgiMessageTypes.HttpResponsePathSend;

    /// <summary>The <c>path</c> field.</summary>
    public string Path { get; }
}
