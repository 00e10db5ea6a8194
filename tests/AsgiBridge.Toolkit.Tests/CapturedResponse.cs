using AsgiBridge.Messages;

namespace AsgiBridge.Toolkit.Tests;

/// <summary>The HTTP response put together from the messages an application sent.</summary>
internal sealed record CapturedResponse(int Status, IReadOnlyList<AsgiHeader> Headers, byte[] Body, bool Complete, string? PathSent)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.GetFirst(name);

    public IReadOnlyList<string> HeaderValues(string name) => Headers.GetAll(name);

    public static CapturedResponse From(IEnumerable<AsgiMessage> sent)
    {
        var status = 0;
        IReadOnlyList<AsgiHeader> headers = [];
        using var body = new MemoryStream();
        var complete = false;
        string? pathSent = null;
        foreach (var message in sent)
        {
            switch (message)
            {
                case HttpResponseStart start:
                    status = start.Status;
                    headers = start.Headers;
                    break;
                case HttpResponseBody chunk:
                    body.Write(chunk.Body.Span);
                    complete |= !chunk.MoreBody;
                    break;
                case HttpResponsePathSend path:
                    pathSent = path.Path;
                    complete = true;
                    break;
            }
        }

        return new CapturedResponse(status, headers, body.ToArray(), complete, pathSent);
    }
}
