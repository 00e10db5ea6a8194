using System.IO.Pipelines;

namespace AsgiBridge.Testing.WebSockets;

/// <summary>
/// The transport of an in-process WebSocket: two pipes, one per direction, with a stream for each end. The server end is
/// what the upgrade hands to ASP.NET Core's WebSocket middleware; the client end carries a client
/// <see cref="System.Net.WebSockets.WebSocket"/>. Both ends frame with System.Net.WebSockets, as over TCP.
/// </summary>
internal sealed class InMemoryConnection
{
    public InMemoryConnection()
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        Server = new PipeStream(toServer.Reader, toClient.Writer);
        Client = new PipeStream(toClient.Reader, toServer.Writer);
    }

    /// <summary>The server's end.</summary>
    public PipeStream Server { get; }

    /// <summary>The client's end.</summary>
    public PipeStream Client { get; }

    /// <summary>Drops the connection from the server side (the bridge aborted it): the client's reads fail.</summary>
    public void AbortFromServer() => Server.Close(new IOException("The server aborted the connection."));
}
