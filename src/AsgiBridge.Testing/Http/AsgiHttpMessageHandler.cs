using System.Net;
using AsgiBridge.Testing.Http;

namespace AsgiBridge.Testing;

/// <summary>
/// An <see cref="HttpMessageHandler"/> that runs an ASGI application in process for every request, so tests can use a
/// plain <see cref="HttpClient"/> (as <c>TestServer.CreateHandler()</c> does for ASP.NET Core). The response is
/// returned as soon as the application sends its first body event; its content streams the rest. Cookies are kept in
/// <see cref="Cookies"/> when <see cref="AsgiTestClientOptions.UseCookies"/> is on.
/// </summary>
public sealed class AsgiHttpMessageHandler : HttpMessageHandler
{
    private readonly AsgiApp _app;
    private readonly AsgiTestClientOptions _options;
    private readonly Func<IReadOnlyDictionary<string, object?>?> _state;

    /// <summary>Creates a handler for an application, without lifespan (use <see cref="AsgiTestClient"/> for that).</summary>
    /// <param name="app">The application.</param>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    public AsgiHttpMessageHandler(AsgiApp app, AsgiTestClientOptions? options = null)
        : this(app, options ?? new AsgiTestClientOptions(), static () => null)
    {
    }

    internal AsgiHttpMessageHandler(AsgiApp app, AsgiTestClientOptions options, Func<IReadOnlyDictionary<string, object?>?> state)
    {
        _app = app ?? throw new ArgumentNullException(nameof(app));
        _options = options;
        _state = state;
        Cookies = options.UseCookies ? new CookieContainer() : null;
    }

    /// <summary>The cookie jar shared by every request through this handler; <see langword="null"/> when cookies are off.</summary>
    public CookieContainer? Cookies { get; }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri is null ? _options.BaseAddress
            : request.RequestUri.IsAbsoluteUri ? request.RequestUri : new Uri(_options.BaseAddress, request.RequestUri);
        request.RequestUri = uri;
        if (Cookies is not null)
        {
            var cookies = Cookies.GetCookieHeader(uri);
            if (cookies.Length > 0)
            {
                request.Headers.TryAddWithoutValidation("Cookie", cookies);
            }
        }

        var exchange = new HttpExchange(_app, request, _options, _state());
        var response = await exchange.RunAsync(cancellationToken).ConfigureAwait(false);
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

        return response;
    }
}
