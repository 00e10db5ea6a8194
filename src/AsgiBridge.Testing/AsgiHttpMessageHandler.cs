using System.Net;
using AsgiBridge.Testing.Hosting;
using AsgiBridge.Testing.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;

namespace AsgiBridge.Testing;

/// <summary>
/// The <see cref="HttpMessageHandler"/> behind <see cref="AsgiTestClient.Http"/>: it sends each request to the client's
/// <see cref="TestServer"/> (so the application runs behind the real bridge), keeps cookies in <see cref="Cookies"/>, and
/// ties the response to the server-side outcome of its request: with
/// <see cref="AsgiTestClientOptions.RaiseServerExceptions"/> on, reading the body to its end waits for the application to
/// finish and re-throws what it raised. Wrap it in your own <see cref="HttpClient"/> if you like; the client owns it.
/// </summary>
public sealed class AsgiHttpMessageHandler : HttpMessageHandler
{
    /// <summary>Where the request's connection slot travels with the request message.</summary>
    internal static readonly HttpRequestOptionsKey<ConnectionSlot> SlotKey = new("AsgiBridge.Testing.Connection");

    private readonly Func<CancellationToken, ValueTask<TestServer>> _server;
    private readonly AsgiTestClientOptions _options;

    internal AsgiHttpMessageHandler(Func<CancellationToken, ValueTask<TestServer>> server, AsgiTestClientOptions options)
    {
        _server = server;
        _options = options;
        Cookies = options.UseCookies ? new CookieContainer() : null;
    }

    /// <summary>The cookie jar shared by every request (and WebSocket handshake); <see langword="null"/> when cookies are off.</summary>
    public CookieContainer? Cookies { get; }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var server = await _server(cancellationToken).ConfigureAwait(false);
        var uri = request.RequestUri is null ? _options.BaseAddress
            : request.RequestUri.IsAbsoluteUri ? request.RequestUri : new Uri(_options.BaseAddress, request.RequestUri);
        request.RequestUri = uri;
        if (_options.UseHttp2)
        {
            // TestServer then reports the request as HTTP/2: http_version "2", trailers, stream resets.
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }

        if (request.Content is null && SendsEmptyBody(request.Method))
        {
            // SocketsHttpHandler puts 'Content-Length: 0' on the wire for such a request; TestServer's handler would not.
            request.Content = new ByteArrayContent([]);
        }

        if (Cookies?.GetCookieHeader(uri) is { Length: > 0 } cookies)
        {
            request.Headers.TryAddWithoutValidation("Cookie", cookies);
        }

        var slot = new ConnectionSlot();
        request.Options.Set(SlotKey, slot);
        using var invoker = new HttpMessageInvoker(server.CreateHandler(context => Configure(context, slot)), disposeHandler: true);
        var sending = invoker.SendAsync(request, cancellationToken);
        HttpResponseMessage response;
        try
        {
            // TestServer answers a cancelled request only once the pipeline has finished; the test stops waiting at once.
            response = await sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !sending.IsCompleted)
        {
            _ = sending.ContinueWith(static task => task.Result.Dispose(), CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }

        if (Cookies is not null && response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                try
                {
                    Cookies.SetCookies(uri, setCookie);
                }
                catch (CookieException)
                {
                    // A cookie the jar cannot hold is ignored, as a browser would.
                }
            }
        }

        response.Content = new ObservedContent(response.Content, slot, _options, request.Method == HttpMethod.Head);
        return response;
    }

    private static bool SendsEmptyBody(HttpMethod method) =>
        method != HttpMethod.Get && method != HttpMethod.Head && method != HttpMethod.Options && method != HttpMethod.Delete
        && !string.Equals(method.Method, "CONNECT", StringComparison.OrdinalIgnoreCase);

    private static void Configure(HttpContext context, ConnectionSlot slot)
    {
        slot.Attach(context);
        var protocol = context.Request.Protocol;
        if (!HttpProtocol.IsHttp2(protocol) && !HttpProtocol.IsHttp3(protocol))
        {
            // TestServer could send trailers over HTTP/1.1; Kestrel cannot, so the in-process server offers none there either.
            context.Features.Set<IHttpResponseTrailersFeature>(null);
        }
    }
}
