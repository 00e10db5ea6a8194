namespace AsgiBridge.Messages;

/// <summary>The <c>websocket.http.response.body</c> event (denial response extension): a chunk of the denial response body.</summary>
public sealed class WebSocketHttpResponseBody : AsgiMessage
{
    /// <summary>Creates the event.</summary>
    /// <param name="body">The chunk.</param>
    /// <param name="moreBody">Whether more chunks follow.</param>
    public WebSocketHttpResponseBody(ReadOnlyMemory<byte> body = default, bool moreBody = false)
    {
        Body = body;
        MoreBody = moreBody;
    }

    /// <inheritdoc />
    public override string Type => AsgiMessageTypes.WebSocketHttpResponseBody;

    /// <summary>The <c>body</c> field.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The <c>more_body</c> field.</summary>
    public bool MoreBody { get; }
}
