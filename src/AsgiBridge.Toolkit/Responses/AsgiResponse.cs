using System.Globalization;
using AsgiBridge.Composition;
using Microsoft.AspNetCore.Http;

namespace AsgiBridge.Toolkit;

/// <summary>
/// The base of the response helpers. A response is itself an ASGI application, as in starlette: call
/// <see cref="InvokeAsync"/> (<c>await response(scope, receive, send)</c>), pass it where an <see cref="AsgiApp"/> is
/// expected (an implicit conversion), or mount it as an <see cref="IAsgiApplication"/>. It sends
/// <c>http.response.start</c> and the body, then runs its background tasks.
/// </summary>
public abstract class AsgiResponse : IAsgiApplication
{
    private readonly List<AsgiHeader> _headers = [];
    private List<Func<Task>>? _background;

    /// <summary>Creates a response.</summary>
    /// <param name="status">The status code.</param>
    /// <param name="mediaType">The media type for <c>content-type</c>; text types get <c>; charset=utf-8</c>.</param>
    protected AsgiResponse(int status, string? mediaType)
    {
        Status = status;
        MediaType = mediaType;
    }

    /// <summary>The status code.</summary>
    public int Status { get; set; }

    /// <summary>The media type, or <see langword="null"/> for no <c>content-type</c>.</summary>
    public string? MediaType { get; set; }

    /// <summary>Extra headers (lower-case names), sent in order after <c>content-type</c> and <c>content-length</c>.</summary>
    public IList<AsgiHeader> Headers => _headers;

    /// <summary>Adds a header and returns the response, for chaining.</summary>
    /// <param name="name">The lower-case name.</param>
    /// <param name="value">The value.</param>
    /// <returns>This response.</returns>
    public AsgiResponse WithHeader(string name, string value)
    {
        _headers.Add(new AsgiHeader(name, value));
        return this;
    }

    /// <summary>Adds a <c>set-cookie</c> header.</summary>
    /// <param name="name">The cookie name.</param>
    /// <param name="value">The value (percent-encoded on the wire).</param>
    /// <param name="options">Path, domain, expiry, Secure, HttpOnly, SameSite; default path <c>/</c>, SameSite=Lax.</param>
    public void SetCookie(string name, string value, CookieOptions? options = null)
    {
        options ??= new CookieOptions { Path = "/", SameSite = SameSiteMode.Lax };
        _headers.Add(new AsgiHeader("set-cookie", options.CreateCookieHeader(name, Uri.EscapeDataString(value)).ToString()));
    }

    /// <summary>Adds a <c>set-cookie</c> header that deletes a cookie.</summary>
    /// <param name="name">The cookie name.</param>
    /// <param name="path">The cookie's path.</param>
    /// <param name="domain">The cookie's domain.</param>
    public void DeleteCookie(string name, string path = "/", string? domain = null) =>
        SetCookie(name, string.Empty, new CookieOptions
        {
            Path = path,
            Domain = domain,
            Expires = DateTimeOffset.UnixEpoch,
            MaxAge = TimeSpan.Zero,
        });

    /// <summary>Adds a task run after the response has been sent (in order; an exception propagates to the server).</summary>
    /// <param name="task">The work.</param>
    /// <returns>This response.</returns>
    public AsgiResponse AddBackgroundTask(Func<Task> task)
    {
        (_background ??= []).Add(task ?? throw new ArgumentNullException(nameof(task)));
        return this;
    }

    /// <summary>Sends the response, then runs the background tasks.</summary>
    /// <param name="scope">The HTTP scope.</param>
    /// <param name="receive">The receive callable.</param>
    /// <param name="send">The send callable.</param>
    /// <returns>A task that completes when the response is sent and the background tasks ran.</returns>
    public async Task ExecuteAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await SendAsync(scope, receive, send).ConfigureAwait(false);
        if (_background is not null)
        {
            foreach (var task in _background)
            {
                await task().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Sends the response, then runs the background tasks: the ASGI application call, starlette's
    /// <c>await response(scope, receive, send)</c>. The same as <see cref="ExecuteAsync"/>.
    /// </summary>
    /// <param name="scope">The HTTP scope.</param>
    /// <param name="receive">The receive callable.</param>
    /// <param name="send">The send callable.</param>
    /// <returns>A task that completes when the response is sent and the background tasks ran.</returns>
    public Task InvokeAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send) => ExecuteAsync(scope, receive, send);

    /// <summary>The response as an ASGI application.</summary>
    /// <returns>The application.</returns>
    public AsgiApp ToApp() => ExecuteAsync;

    /// <summary>The response as an ASGI application (the named form is <see cref="ToApp"/>): <c>AsgiApp app = new TextResponse("hi");</c>.</summary>
    /// <param name="response">The response.</param>
    public static implicit operator AsgiApp(AsgiResponse response) =>
        (response ?? throw new ArgumentNullException(nameof(response))).ExecuteAsync;

    /// <summary>Sends the start and body events.</summary>
    /// <param name="scope">The HTTP scope.</param>
    /// <param name="receive">The receive callable.</param>
    /// <param name="send">The send callable.</param>
    /// <returns>A task that completes when the response is sent.</returns>
    protected abstract Task SendAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send);

    /// <summary>Builds the start event's headers: <c>content-type</c>, <c>content-length</c> (when known), then <see cref="Headers"/>.</summary>
    /// <param name="contentLength">The body length, or <see langword="null"/> for a streamed body.</param>
    /// <returns>The header list.</returns>
    protected List<AsgiHeader> BuildHeaders(long? contentLength)
    {
        var headers = new List<AsgiHeader>(_headers.Count + 2);
        if (MediaType is not null && !_headers.Contains("content-type"))
        {
            var type = MediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase) && !MediaType.Contains("charset", StringComparison.OrdinalIgnoreCase)
                ? MediaType + "; charset=utf-8"
                : MediaType;
            headers.Add(new AsgiHeader("content-type", type));
        }

        if (contentLength is { } length && !_headers.Contains("content-length") && Status is not (< 200 or 204 or 304))
        {
            headers.Add(new AsgiHeader("content-length", length.ToString(CultureInfo.InvariantCulture)));
        }

        headers.AddRange(_headers);
        return headers;
    }
}
