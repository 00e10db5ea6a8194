namespace AsgiBridge;

/// <summary>
/// Thrown when an ASGI message or scope breaks the protocol: an unknown message type, a missing or mistyped
/// field, a message sent out of order, or an invalid header. The message names the ASGI message type and,
/// where one is at fault, the field.
/// </summary>
public class AsgiProtocolException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public AsgiProtocolException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public AsgiProtocolException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public AsgiProtocolException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for one message type and field.</summary>
    /// <param name="messageType">The ASGI message type (for example <c>http.response.start</c>), if known.</param>
    /// <param name="field">The field at fault, if any.</param>
    /// <param name="message">What is wrong.</param>
    public AsgiProtocolException(string? messageType, string? field, string message)
        : base(Format(messageType, field, message))
    {
        MessageType = messageType;
        Field = field;
    }

    /// <summary>The ASGI message type at fault, when known.</summary>
    public string? MessageType { get; }

    /// <summary>The field at fault, when one is.</summary>
    public string? Field { get; }

    private static string Format(string? messageType, string? field, string message)
    {
        if (messageType is null)
        {
            return field is null ? message : $"Field '{field}': {message}";
        }

        return field is null
            ? $"ASGI message '{messageType}': {message}"
            : $"ASGI message '{messageType}', field '{field}': {message}";
    }
}
