namespace AsgiBridge.Messages;

/// <summary>The <c>http.response.debug</c> event (debug extension): information for test clients; servers do not implement it.</summary>
public sealed class HttpResponseDebug : AsgiMessage
{
    /// <summary>Creates the event.</summary>
    /// <param name="info">Framework-defined information.</param>
    public HttpResponseDebug(IReadOnlyDictionary<string, object?> info)
    {
        Info = info ?? throw new ArgumentNullException(nameof(info));
    }

    /// <inheritdoc />
    public override string Type => AsgiMessageTypes.HttpResponseDebug;

    /// <summary>The <c>info</c> field.</summary>
    public IReadOnlyDictionary<string, object?> Info { get; }
}
