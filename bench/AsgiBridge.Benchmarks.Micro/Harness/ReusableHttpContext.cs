using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AsgiBridge.Benchmarks.Harness;

/// <summary>
/// One <see cref="DefaultHttpContext"/> reused for every request of a benchmark: an in-memory request (method,
/// path, headers, optionally a body) and a response that is discarded. <see cref="Prepare"/> resets the response
/// between requests without allocating, so what a request allocates is what the code under test allocates.
/// </summary>
public sealed class ReusableHttpContext
{
    private readonly HttpRequestFeature _request;
    private readonly HttpResponseFeature _response = new();
    private readonly DiscardingResponseBodyFeature _body = new();
    private readonly ReplayBodyReader? _bodyReader;

    /// <summary>The ten browser headers of <c>run.sh</c>'s <c>hellohdrs</c> workload (lib.sh's BROWSER_HEADERS).</summary>
    public static readonly KeyValuePair<string, string>[] BrowserHeaders =
    [
        new("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"),
        new("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"),
        new("Accept-Language", "en-US,en;q=0.9"),
        new("Accept-Encoding", "gzip, deflate, br"),
        new("Cache-Control", "no-cache"),
        new("Pragma", "no-cache"),
        new("Cookie", "session=3f9a1c2e7b4d4e0f8a6b; theme=dark; _ga=GA1.1.1234567890.1700000000"),
        new("Referer", "http://127.0.0.1/index.html"),
        new("X-Request-Id", "7c9e6679-7425-40de-944b-e07fc1f90ae7"),
        new("Upgrade-Insecure-Requests", "1"),
    ];

    /// <summary>Creates a context for one kind of request.</summary>
    /// <param name="method">The request method.</param>
    /// <param name="path">The request path.</param>
    /// <param name="body">The request body, or <see langword="null"/> for none.</param>
    /// <param name="chunkSize">How many body bytes each read of the body yields.</param>
    /// <param name="asyncFlushes">Whether every response flush completes asynchronously (see <see cref="DiscardingPipeWriter.AsyncFlushes"/>).</param>
    /// <param name="extraHeaders">More request headers, such as <see cref="BrowserHeaders"/>.</param>
    public ReusableHttpContext(string method, string path, byte[]? body = null, int chunkSize = 4096, bool asyncFlushes = false,
        IEnumerable<KeyValuePair<string, string>>? extraHeaders = null)
    {
        _body.Discarding.AsyncFlushes = asyncFlushes;
        IHeaderDictionary headers = new HeaderDictionary();
        headers.Host = "localhost";
        headers.UserAgent = "bench";
        headers.Accept = "*/*";
        foreach (var (name, value) in extraHeaders ?? [])
        {
            headers[name] = value;
        }

        if (body is not null)
        {
            headers.ContentLength = body.Length;
            headers.ContentType = "application/octet-stream";
            _bodyReader = new ReplayBodyReader(body, chunkSize);
        }

        _request = new HttpRequestFeature
        {
            Protocol = "HTTP/1.1",
            Method = method,
            Scheme = "http",
            PathBase = string.Empty,
            Path = path,
            QueryString = string.Empty,
            RawTarget = path,
            Headers = headers,
        };

        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(_request);
        features.Set<IHttpResponseFeature>(_response);
        features.Set<IHttpResponseBodyFeature>(_body);
        features.Set<IHttpRequestBodyDetectionFeature>(new BodyDetection(body is not null));
        if (_bodyReader is not null)
        {
            features.Set<IRequestBodyPipeFeature>(new BodyPipe(_bodyReader));
        }

        Context = new DefaultHttpContext(features);
    }

    /// <summary>The context to pass to the request delegate.</summary>
    public HttpContext Context { get; }

    /// <summary>Bytes of response body written by the last request.</summary>
    public long ResponseBytes => _body.Discarding.Written;

    /// <summary>How many times the last request completed its response.</summary>
    public int Completions => _body.Completions;

    /// <summary>Resets the response (and rewinds the request body) for the next request.</summary>
    public void Prepare()
    {
        _response.StatusCode = StatusCodes.Status200OK;
        _response.ReasonPhrase = null;
        _response.Headers.Clear();
        _body.Reset();
        _bodyReader?.Rewind();
    }

    private sealed class BodyDetection(bool canHaveBody) : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody { get; } = canHaveBody;
    }

    private sealed class BodyPipe(ReplayBodyReader reader) : IRequestBodyPipeFeature
    {
        public System.IO.Pipelines.PipeReader Reader { get; } = reader;
    }
}
