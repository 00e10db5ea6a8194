namespace AsgiBridge;

/// <summary>
/// The request is malformed or too large (a body over the server's limit, a bad chunk, an unreadable form): a client
/// error, not an application failure. <c>receive</c> raises it for what the server detects, and the toolkit raises it for
/// forms it cannot parse; when it escapes the application before the response started, the client gets
/// <see cref="StatusCode"/> (413, 400, …) and nothing is logged as an error.
/// </summary>
public sealed class AsgiBadRequestException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The 4xx status the client gets.</param>
    /// <param name="message">What is wrong with the request.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public AsgiBadRequestException(int statusCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        if (statusCode is < 400 or > 499)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "A bad request is answered with a 4xx status.");
        }

        StatusCode = statusCode;
    }

    /// <summary>The 4xx status the client gets when the exception escapes the application before the response started.</summary>
    public int StatusCode { get; }
}
