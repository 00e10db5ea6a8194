using AsgiBridge.Messages;

namespace AsgiBridge;

/// <summary>
/// The server side of one connection as its scope sees it: the request keys a <see cref="ConnectionScope"/> reads on first
/// use, and the <c>receive</c>/<c>send</c> its application's callables lead to. Every call carries the stamp the scope
/// was created with; the stamp changes when the application's instance ends, so a scope, <c>receive</c> or <c>send</c>
/// kept after that can never reach the next request that reuses this object.
/// </summary>
internal abstract class AsgiConnection
{
    /// <summary>The current stamp; it changes when the application that holds the current scope has finished.</summary>
    public abstract int Generation { get; }

    /// <summary>The transport object behind the connection (the ASP.NET Core <c>HttpContext</c>), for the escape hatch.</summary>
    public abstract object? Transport { get; }

    /// <summary>Reads <c>http_version</c>.</summary>
    /// <returns>The value.</returns>
    public abstract string ReadHttpVersion();

    /// <summary>Reads <c>method</c>, upper-case.</summary>
    /// <returns>The value.</returns>
    public abstract string ReadMethod();

    /// <summary>Reads <c>scheme</c>.</summary>
    /// <returns>The value.</returns>
    public abstract string ReadScheme();

    /// <summary>Reads <c>path</c>, fully decoded.</summary>
    /// <returns>The value.</returns>
    public abstract string ReadPath();

    /// <summary>Reads <c>raw_path</c>.</summary>
    /// <returns>The value, or <see langword="null"/> when unknown.</returns>
    public abstract ReadOnlyMemory<byte>? ReadRawPath();

    /// <summary>Reads <c>query_string</c>.</summary>
    /// <returns>The value.</returns>
    public abstract ReadOnlyMemory<byte> ReadQueryString();

    /// <summary>Reads <c>root_path</c>.</summary>
    /// <returns>The value.</returns>
    public abstract string ReadRootPath();

    /// <summary>Reads <c>headers</c>.</summary>
    /// <returns>The value.</returns>
    public abstract IReadOnlyList<AsgiHeader> ReadHeaders();

    /// <summary>Reads <c>client</c>.</summary>
    /// <returns>The value, or <see langword="null"/> when unknown.</returns>
    public abstract AsgiAddress? ReadClient();

    /// <summary>Reads <c>server</c>.</summary>
    /// <returns>The value, or <see langword="null"/> when unknown.</returns>
    public abstract AsgiAddress? ReadServer();

    /// <summary>Reads <c>subprotocols</c> (WebSocket scopes).</summary>
    /// <returns>The value.</returns>
    public abstract IReadOnlyList<string> ReadSubprotocols();

    /// <summary>The application's <c>receive</c>.</summary>
    /// <param name="generation">The stamp of the scope the callable belongs to.</param>
    /// <returns>The next event.</returns>
    public abstract ValueTask<AsgiMessage> ReceiveAsync(int generation);

    /// <summary>The application's <c>send</c>.</summary>
    /// <param name="message">The event.</param>
    /// <param name="generation">The stamp of the scope the callable belongs to.</param>
    /// <returns>A task that completes when the event was handled.</returns>
    public abstract ValueTask SendAsync(AsgiMessage message, int generation);
}
