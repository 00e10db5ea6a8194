namespace AsgiBridge.Composition;

/// <summary>
/// A per-connection ASGI object: created from the scope for each connection, then run with receive and send
/// (the shape of a Python class whose constructor takes the scope, and of ASGI 2's double callable).
/// </summary>
public interface IAsgiConnectionHandler
{
    /// <summary>Runs the connection.</summary>
    /// <param name="receive">The receive callable.</param>
    /// <param name="send">The send callable.</param>
    /// <returns>A task that completes when the connection is handled.</returns>
    Task RunAsync(AsgiReceive receive, AsgiSend send);
}
