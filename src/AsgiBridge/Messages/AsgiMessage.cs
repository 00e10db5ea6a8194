namespace AsgiBridge.Messages;

/// <summary>
/// The base of every ASGI event. Each event of the specification is a sealed subclass, so applications can
/// use C# pattern matching (<c>switch (message) { case HttpRequestBody body: … }</c>); events without a payload
/// are singletons.
/// </summary>
public abstract class AsgiMessage
{
    /// <summary>Creates a message.</summary>
    protected AsgiMessage()
    {
    }

    /// <summary>The <c>type</c> field, for example <c>"http.response.start"</c> (see <see cref="AsgiMessageTypes"/>).</summary>
    public abstract string Type { get; }

    /// <inheritdoc />
    public override string ToString() => Type;
}
