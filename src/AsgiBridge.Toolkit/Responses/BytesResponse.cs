using AsgiBridge.Messages;

namespace AsgiBridge.Toolkit;

/// <summary>A response with a body known in full: bytes, with <c>content-length</c>.</summary>
public class BytesResponse : AsgiResponse
{
    /// <summary>Creates the response.</summary>
    /// <param name="body">The body.</param>
    /// <param name="status">The status code (default 200).</param>
    /// <param name="mediaType">The media type (default <c>application/octet-stream</c>).</param>
    public BytesResponse(ReadOnlyMemory<byte> body, int status = 200, string? mediaType = "application/octet-stream")
        : base(status, mediaType)
    {
        Body = body;
    }

    /// <summary>The body.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <inheritdoc />
    protected override async Task SendAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        var body = Status is < 200 or 204 or 304 ? ReadOnlyMemory<byte>.Empty : Body;
        await send(new HttpResponseStart(Status, BuildHeaders(body.Length))).ConfigureAwait(false);
        await send(new HttpResponseBody(body)).ConfigureAwait(false);
    }
}
