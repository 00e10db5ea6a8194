using System.Globalization;
using System.Net;
using System.Text;
using AsgiBridge.Composition;
using AsgiBridge.Diagnostics;
using AsgiBridge.Hosting;
using AsgiBridge.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AsgiBridge.Toolkit;

/// <summary>
/// Turns an exception of the HTTP application into a 500 response: a developer page (HTML with the exception's type,
/// message and stack trace, all HTML-encoded) or a plain <c>Internal Server Error</c>. It logs the exception and does not
/// rethrow it once the 500 is sent. When the response had already started nothing can be sent any more, so it rethrows
/// and the server aborts the response. Client errors are not server errors: an <see cref="AsgiBadRequestException"/> (a
/// body over the server's limit, a malformed chunk, a form that breaks its limits) is answered with its own status (413,
/// 400, …) and its message as plain text, and logged at Information. Client disconnects (including a cancellation after
/// the request was aborted) and other scope types pass through untouched, never logged as errors. Put it first
/// (outermost) in the pipeline.
/// </summary>
public sealed class ServerErrorMiddleware : IAsgiMiddleware
{
    /// <summary>The logger category used when the logger comes from an <see cref="ILoggerFactory"/>.</summary>
    public const string LoggerCategory = "AsgiBridge.ServerErrors";

    private readonly bool _developerPage;
    private readonly HttpResponseStart _plainStart;
    private readonly HttpResponseBody _plainBody;
    private readonly ILogger _logger;

    /// <summary>Creates the middleware.</summary>
    /// <param name="developerPage">Whether to send the developer page instead of plain text.</param>
    /// <param name="options">The options (only <see cref="ServerErrorOptions.PlainTextBody"/> is read here); optional.</param>
    /// <param name="logger">Where exceptions are logged; optional.</param>
    public ServerErrorMiddleware(bool developerPage, ServerErrorOptions? options = null, ILogger? logger = null)
    {
        _developerPage = developerPage;
        _logger = logger ?? NullLogger.Instance;
        var body = Encoding.UTF8.GetBytes((options ?? new ServerErrorOptions()).PlainTextBody ?? string.Empty);
        _plainStart = new HttpResponseStart(500,
        [
            new("content-type", "text/plain; charset=utf-8"),
            new("content-length", body.Length.ToString(CultureInfo.InvariantCulture)),
        ]);
        _plainBody = new HttpResponseBody(body);
    }

    /// <summary>Whether this instance sends the developer page.</summary>
    public bool ShowsDeveloperPage => _developerPage;

    /// <inheritdoc />
    public Task InvokeAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send, AsgiApp nextApp)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(nextApp);
        return scope is HttpScope http ? GuardAsync(http, receive, send, nextApp) : nextApp(scope, receive, send);
    }

    /// <summary>Renders the developer page for an exception.</summary>
    /// <param name="exception">The exception.</param>
    /// <param name="method">The request method.</param>
    /// <param name="path">The request path.</param>
    /// <returns>The HTML document.</returns>
    public static string RenderDeveloperPage(Exception exception, string method, string path)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var html = new StringBuilder(2048);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>500 Internal Server Error</title>\n")
            .Append("<style>body{font-family:system-ui,sans-serif;margin:2rem}pre{background:#f6f6f6;padding:1rem;overflow:auto}</style>\n")
            .Append("</head>\n<body>\n<h1>500 Internal Server Error</h1>\n")
            .Append("<p class=\"request\">").Append(WebUtility.HtmlEncode(method)).Append(' ').Append(WebUtility.HtmlEncode(path)).Append("</p>\n")
            .Append("<h2 class=\"type\">").Append(WebUtility.HtmlEncode(exception.GetType().FullName)).Append("</h2>\n")
            .Append("<p class=\"message\">").Append(WebUtility.HtmlEncode(exception.Message)).Append("</p>\n")
            .Append("<pre class=\"trace\">").Append(WebUtility.HtmlEncode(exception.ToString())).Append("</pre>\n")
            .Append("</body>\n</html>\n");
        return html.ToString();
    }

    private async Task GuardAsync(HttpScope scope, AsgiReceive receive, AsgiSend send, AsgiApp nextApp)
    {
        var started = false;
        AsgiSend observed = message =>
        {
            if (message is HttpResponseStart)
            {
                started = true;
            }

            return send(message);
        };

        try
        {
            await nextApp(scope, receive, observed).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not AsgiClientDisconnectedException && !ClientAborted(scope, ex))
        {
            if (started)
            {
                ToolkitLog.ServerErrorAfterStart(_logger, scope.Method, scope.Path, ex);
                throw;
            }

            if (BadRequest(ex) is { } badRequest)
            {
                ToolkitLog.ServerErrorBadRequest(_logger, scope.Method, scope.Path, badRequest.StatusCode, badRequest.Message);
                await SendBadRequestAsync(send, badRequest).ConfigureAwait(false);
                return;
            }

            ToolkitLog.ServerErrorHandled(_logger, scope.Method, scope.Path, ex);
            await SendErrorAsync(scope, send, ex).ConfigureAwait(false);
        }
    }

    private static AsgiBadRequestException? BadRequest(Exception exception) => exception switch
    {
        AsgiBadRequestException bad => bad,
        AggregateException { InnerExceptions.Count: 1 } aggregate => BadRequest(aggregate.InnerExceptions[0]),
        _ => null,
    };

    private static async Task SendBadRequestAsync(AsgiSend send, AsgiBadRequestException badRequest)
    {
        var body = Encoding.UTF8.GetBytes(badRequest.Message);
        try
        {
            await send(new HttpResponseStart(badRequest.StatusCode,
            [
                new("content-type", "text/plain; charset=utf-8"),
                new("content-length", body.Length.ToString(CultureInfo.InvariantCulture)),
            ])).ConfigureAwait(false);
            await send(new HttpResponseBody(body)).ConfigureAwait(false);
        }
        catch (AsgiClientDisconnectedException)
        {
            // The client is gone: there is no one left to tell.
        }
    }

    private static bool ClientAborted(HttpScope scope, Exception exception) =>
        exception is OperationCanceledException && scope.GetHttpContext() is { RequestAborted.IsCancellationRequested: true };

    private async Task SendErrorAsync(HttpScope scope, AsgiSend send, Exception exception)
    {
        try
        {
            if (_developerPage)
            {
                var page = Encoding.UTF8.GetBytes(RenderDeveloperPage(exception, scope.Method, scope.Path));
                await send(new HttpResponseStart(500,
                [
                    new("content-type", "text/html; charset=utf-8"),
                    new("content-length", page.Length.ToString(CultureInfo.InvariantCulture)),
                ])).ConfigureAwait(false);
                await send(new HttpResponseBody(page)).ConfigureAwait(false);
            }
            else
            {
                await send(_plainStart).ConfigureAwait(false);
                await send(_plainBody).ConfigureAwait(false);
            }
        }
        catch (AsgiClientDisconnectedException)
        {
            // The client is gone: there is no one left to tell.
        }
    }
}
