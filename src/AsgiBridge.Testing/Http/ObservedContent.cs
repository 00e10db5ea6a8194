using System.Net;
using AsgiBridge.Testing.Hosting;

namespace AsgiBridge.Testing.Http;

/// <summary>
/// The body of a response from the in-process server, read through an <see cref="ObservedStream"/> so the end of the
/// body (or a failed read) is matched with the request's outcome. It keeps the headers of the server's content;
/// disposing it before the end disconnects the client, as TestServer's own content does.
/// </summary>
internal sealed class ObservedContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly ConnectionSlot _slot;
    private readonly AsgiTestClientOptions _options;
    private readonly bool _head;

    public ObservedContent(HttpContent inner, ConnectionSlot slot, AsgiTestClientOptions options, bool head)
    {
        _inner = inner;
        _head = head;
        _slot = slot;
        _options = options;
        foreach (var header in inner.Headers.NonValidated)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
    {
        var inner = await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return new ObservedStream(inner, _slot, _options.RaiseServerExceptions, _options.Timeout, _head);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var source = await ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await source.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
