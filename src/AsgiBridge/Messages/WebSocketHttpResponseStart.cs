namespace AsgiBridge.Messages;

/// <summary>The <c>websocket.http.response.start</c> event (denial response extension): rejects the handshake with an HTTP response.</summary>
public sealed class WebSocketHttpResponseStart : AsgiMessage
{
    /// <summary>Creates the event.</summary>
    /// <param name="status">The HTTP status code.</param>
    /// <param name="headers">Response headers with lower-case names.</param>
    public WebSocketHttpResponseStart(int status, IReadOnlyList<AsgiHeader>? headers = null)
    {
        Status = status;
        Headers = headers ?? Array.Empty<AsgiHeader>();
    }

    /// <inheritdoc />
    public override string Type => AsgiMessageTypes.WebSocketHttpResponseStart;

    /// <summary>The <c>status</c> field.</summary>
    public int Status { get; }

    /// <summary>The <c>headers</c> field.</summary>
    public IReadOnlyList<AsgiHeader> Headers { get; }
}
