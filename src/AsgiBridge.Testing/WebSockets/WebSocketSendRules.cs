using AsgiBridge.Messages;

namespace AsgiBridge.Testing.WebSockets;

/// <summary>
/// The rules for what an application may send on a <c>websocket</c> connection in each phase (spec 2.5 and uvicorn):
/// accept, close or a denial response before accepting; messages with exactly one of bytes/text and close after;
/// nothing once closed by the application; <see cref="AsgiClientDisconnectedException"/> once closed by the client.
/// </summary>
/// <remarks>
/// The WebSocket bridge is being written in parallel (branch <c>ws</c>). Once it lands, these rules should move next to
/// <see cref="AsgiBridge.Server.HttpResponseStateMachine"/> in <c>src/AsgiBridge</c> and be shared with it, as the HTTP rules are.
/// </remarks>
internal static class WebSocketSendRules
{
    /// <summary>Checks a message against the current phase; throws on a violation.</summary>
    /// <param name="phase">The current phase.</param>
    /// <param name="message">The message the application sends.</param>
    /// <exception cref="AsgiProtocolException">The message is not allowed now or is malformed.</exception>
    /// <exception cref="AsgiClientDisconnectedException">The client already closed the connection.</exception>
    public static void Check(WebSocketPhase phase, AsgiMessage message)
    {
        switch (phase)
        {
            case WebSocketPhase.Connecting:
                switch (message)
                {
                    case WebSocketAccept accept:
                        CheckAccept(accept);
                        return;
                    case WebSocketClose:
                        return;
                    case WebSocketHttpResponseStart start:
                        if (start.Status is < 100 or > 999)
                        {
                            throw new AsgiProtocolException(start.Type, "status", $"{start.Status} is not a valid HTTP status code.");
                        }

                        AsgiHeaderRules.Validate(start.Headers, start.Type);
                        return;
                    default:
                        throw new AsgiProtocolException(message.Type, null,
                            "expected 'websocket.accept', 'websocket.close' or 'websocket.http.response.start' in answer to 'websocket.connect'.");
                }

            case WebSocketPhase.Denying:
                if (message is not WebSocketHttpResponseBody)
                {
                    throw new AsgiProtocolException(message.Type, null,
                        "a denial response was started; only 'websocket.http.response.body' may follow until more_body is false.");
                }

                return;
            case WebSocketPhase.Open:
                switch (message)
                {
                    case WebSocketSend send:
                        if (send.Bytes is null == send.Text is null)
                        {
                            throw new AsgiProtocolException(send.Type, null, "exactly one of 'bytes' and 'text' must be set.");
                        }

                        return;
                    case WebSocketClose:
                        return;
                    case WebSocketAccept:
                        throw new AsgiProtocolException(message.Type, null, "the connection was already accepted.");
                    case WebSocketHttpResponseStart or WebSocketHttpResponseBody:
                        throw new AsgiProtocolException(message.Type, null, "a denial response cannot follow 'websocket.accept'.");
                    default:
                        throw new AsgiProtocolException(message.Type, null, "is not a message an application can send on a 'websocket' connection.");
                }

            case WebSocketPhase.ClosedByClient:
                throw new AsgiClientDisconnectedException("The client closed the WebSocket; the message could not be sent.");
            default:
                throw new AsgiProtocolException(message.Type, null, "the connection is already closed (or denied); no message may follow.");
        }
    }

    private static void CheckAccept(WebSocketAccept accept)
    {
        AsgiHeaderRules.Validate(accept.Headers, accept.Type);
        foreach (var header in accept.Headers)
        {
            if (string.Equals(header.Name, "sec-websocket-protocol", StringComparison.Ordinal))
            {
                throw new AsgiProtocolException(accept.Type, "headers", "must not include 'sec-websocket-protocol'; use the 'subprotocol' field.");
            }
        }
    }
}
