using System.Net;
using AsgiBridge.Hosting;
using AsgiBridge.Testing.Hosting;
using Microsoft.AspNetCore.Http;

namespace AsgiBridge.Testing;

/// <summary>The status line and headers of a response, shared by <see cref="AsgiTestResponse"/> and <see cref="AsgiStreamingResponse"/>.</summary>
public abstract class AsgiResponseHead
{
    private protected AsgiResponseHead(HttpResponseMessage message)
    {
        Message = message ?? throw new ArgumentNullException(nameof(message));
        Headers = ReadHeaders(message);
    }

    /// <summary>The underlying response message.</summary>
    public HttpResponseMessage Message { get; }

    /// <summary>The status code as a number.</summary>
    public int Status => (int)Message.StatusCode;

    /// <summary>The status code.</summary>
    public HttpStatusCode StatusCode => Message.StatusCode;

    /// <summary>
    /// Every response header, names lower-cased, one entry per value in the order the application sent them
    /// (repeated headers such as <c>set-cookie</c> appear once per value). Includes <c>content-length</c> when the
    /// server sends one.
    /// </summary>
    public IReadOnlyList<AsgiHeader> Headers { get; }

    /// <summary>The first value of a header, or <see langword="null"/>.</summary>
    /// <param name="name">The header name (any case).</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public string? GetHeader(string name) => Headers.GetFirst(name);

    /// <summary>Every value of a header, in order.</summary>
    /// <param name="name">The header name (any case).</param>
    /// <returns>The values, possibly empty.</returns>
    public IReadOnlyList<string> GetHeaders(string name) => Headers.GetAll(name);

    /// <summary>The trailers that reached the client (only once the body has been read).</summary>
    public IReadOnlyList<AsgiHeader> Trailers => ReadTrailers(Message);

    /// <summary>
    /// How the bridge saw this request end (the application's exception, a protocol violation, a 500 or a cut-off
    /// response on its behalf), once the application has finished; <see langword="null"/> before, and for responses that
    /// did not come from an <see cref="AsgiTestClient"/>.
    /// </summary>
    public AsgiConnectionOutcome? Outcome => Slot?.Outcome;

    /// <summary>Where the request's server-side record is, for responses of an <see cref="AsgiTestClient"/>.</summary>
    internal ConnectionSlot? Slot =>
        Message.RequestMessage is { } request && request.Options.TryGetValue(AsgiHttpMessageHandler.SlotKey, out var slot) ? slot : null;

    /// <summary>Waits until the application has finished with this request and returns the bridge's record of it.</summary>
    /// <param name="timeout">How long to wait (default 10 seconds).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="TimeoutException">The application is still running.</exception>
    /// <exception cref="InvalidOperationException">The response did not come from an <see cref="AsgiTestClient"/>, or no ASGI application served it.</exception>
    public Task<AsgiConnectionOutcome> WaitForOutcomeAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Message.WaitForAsgiOutcomeAsync(timeout, cancellationToken);

    /// <summary>Reads the headers of a response message as an ASGI header list.</summary>
    /// <param name="message">The message.</param>
    /// <returns>Lower-case names, one entry per value.</returns>
    public static IReadOnlyList<AsgiHeader> ReadHeaders(HttpResponseMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var list = new List<AsgiHeader>();
        foreach (var header in message.Headers.NonValidated)
        {
            foreach (var value in header.Value)
            {
                list.Add(new(header.Key.ToLowerInvariant(), value));
            }
        }

        foreach (var header in message.Content.Headers.NonValidated)
        {
            foreach (var value in header.Value)
            {
                list.Add(new(header.Key.ToLowerInvariant(), value));
            }
        }

        return list;
    }

    /// <summary>Reads server-side response headers as an ASGI header list.</summary>
    /// <param name="headers">The headers.</param>
    /// <returns>Lower-case names, one entry per value.</returns>
    internal static IReadOnlyList<AsgiHeader> ReadHeaders(IHeaderDictionary headers)
    {
        var list = new List<AsgiHeader>();
        foreach (var header in headers)
        {
            foreach (var value in header.Value)
            {
                list.Add(new(header.Key.ToLowerInvariant(), value ?? string.Empty));
            }
        }

        return list;
    }

    private static List<AsgiHeader> ReadTrailers(HttpResponseMessage message)
    {
        var list = new List<AsgiHeader>();
        foreach (var header in message.TrailingHeaders.NonValidated)
        {
            foreach (var value in header.Value)
            {
                list.Add(new(header.Key.ToLowerInvariant(), value));
            }
        }

        return list;
    }
}
