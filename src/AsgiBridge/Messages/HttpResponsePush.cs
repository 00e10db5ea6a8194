namespace AsgiBridge.Messages;

/// <summary>The <c>http.response.push</c> event (server push extension). Kestrel has no server push, so the bridge does not advertise it.</summary>
public sealed class HttpResponsePush : AsgiMessage
{
    /// <summary>Creates the event.</summary>
    /// <param name="path">The decoded path to push.</param>
    /// <param name="headers">Request headers for the pushed request.</param>
    public HttpResponsePush(string path, IReadOnlyList<AsgiHeader>? headers = null)
    {
        Path = path ?? throw new ArgumentNullException(nameof(path));
        Headers = headers ?? Array.Empty<AsgiHeader>();
    }

    /// <inheritdoc />
    public override string Type => AsgiMessageTypes.HttpResponsePush;

    /// <summary>The <c>path</c> field.</summary>
    public string Path { get; }

    /// <summary>The <c>headers</c> field.</summary>
    public IReadOnlyList<AsgiHeader> Headers { get; }
}
