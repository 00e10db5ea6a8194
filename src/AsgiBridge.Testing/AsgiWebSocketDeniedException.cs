using System.Text;
using AsgiBridge.Hosting;

namespace AsgiBridge.Testing;

/// <summary>
/// The server refused a WebSocket handshake, with the response a client received: the application closed before
/// accepting (403, as the spec requires), sent a denial response (<c>websocket.http.response.start</c>/<c>.body</c>), or
/// failed before accepting (500, seen when <see cref="AsgiTestClientOptions.RaiseServerExceptions"/> is off); or the
/// request never reached a WebSocket-capable application (404, 403 for a rejected origin, …).
/// </summary>
public sealed class AsgiWebSocketDeniedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AsgiWebSocketDeniedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What happened.</param>
    public AsgiWebSocketDeniedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public AsgiWebSocketDeniedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    internal AsgiWebSocketDeniedException(int status, IReadOnlyList<AsgiHeader> headers, byte[] body, AsgiConnectionOutcome? outcome)
        : base($"The application denied the WebSocket handshake with HTTP {status}{(outcome is null ? string.Empty : $" ({outcome})")}.")
    {
        Status = status;
        Headers = headers;
        Body = body;
        Outcome = outcome;
    }

    /// <summary>How the bridge saw the connection end, when the application had finished by the time the denial was read.</summary>
    public AsgiConnectionOutcome? Outcome { get; }

    /// <summary>The HTTP status of the denial response.</summary>
    public int Status { get; }

    /// <summary>The headers of the denial response.</summary>
    public IReadOnlyList<AsgiHeader> Headers { get; } = [];

    /// <summary>The body of the denial response.</summary>
    public byte[] Body { get; } = [];

    /// <summary>The body decoded as UTF-8.</summary>
    public string Text => Encoding.UTF8.GetString(Body);
}
