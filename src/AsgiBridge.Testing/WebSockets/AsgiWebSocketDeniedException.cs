using System.Text;

namespace AsgiBridge.Testing;

/// <summary>
/// The application refused a WebSocket handshake: with <c>websocket.close</c> before accepting (status 403, as the
/// spec requires), with a denial response (<c>websocket.http.response.start</c>/<c>.body</c>), or by failing before
/// accepting (status 500 when <see cref="AsgiTestClientOptions.RaiseServerExceptions"/> is off).
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

    internal AsgiWebSocketDeniedException(int status, IReadOnlyList<AsgiHeader> headers, byte[] body, string reason)
        : base($"The application denied the WebSocket handshake with HTTP {status} ({reason}).")
    {
        Status = status;
        Headers = headers;
        Body = body;
    }

    /// <summary>The HTTP status of the denial response.</summary>
    public int Status { get; }

    /// <summary>The headers of the denial response.</summary>
    public IReadOnlyList<AsgiHeader> Headers { get; } = [];

    /// <summary>The body of the denial response.</summary>
    public byte[] Body { get; } = [];

    /// <summary>The body decoded as UTF-8.</summary>
    public string Text => Encoding.UTF8.GetString(Body);
}
