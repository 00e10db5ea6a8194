namespace AsgiBridge.Composition;

/// <summary>
/// A class-based ASGI middleware: one instance serves every connection, so it must keep no per-connection state
/// in fields (keep it in locals or in a copied scope).
/// </summary>
public interface IAsgiMiddleware
{
    /// <summary>Handles one connection, usually by calling <paramref name="nextApp"/> with a copied scope or wrapped callables.</summary>
    /// <param name="scope">The connection scope.</param>
    /// <param name="receive">The receive callable.</param>
    /// <param name="send">The send callable.</param>
    /// <param name="nextApp">The rest of the pipeline.</param>
    /// <returns>A task that completes when the connection is handled.</returns>
    Task InvokeAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send, AsgiApp nextApp);
}
