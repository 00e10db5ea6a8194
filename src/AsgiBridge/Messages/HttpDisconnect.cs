namespace AsgiBridge.Messages;

/// <summary>The <c>http.disconnect</c> event: the response has been sent or the client went away. Carries no payload: use <see cref="Instance"/>.</summary>
public sealed class HttpDisconnect : AsgiMessage
{
    private HttpDisconnect()
    {
    }

    /// <summary>The single instance.</summary>
    public static HttpDisconnect Instance { get; } = new();

    /// <inheritdoc />
    public override string Type => AsgiMessageTypes.HttpDisconnect;
}
