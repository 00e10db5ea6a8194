namespace AsgiBridge.Composition;

/// <summary>A class-based ASGI application: an object with an invoke method (Python's class with <c>__call__</c>).</summary>
public interface IAsgiApplication
{
    /// <summary>Handles one connection.</summary>
    /// <param name="scope">The connection scope.</param>
    /// <param name="receive">The receive callable.</param>
    /// <param name="send">The send callable.</param>
    /// <returns>A task that completes when the connection is handled.</returns>
    Task InvokeAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send);
}
