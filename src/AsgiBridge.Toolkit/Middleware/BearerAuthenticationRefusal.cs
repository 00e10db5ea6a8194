using System.Globalization;
using System.Text;
using AsgiBridge.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AsgiBridge.Toolkit;

/// <summary>
/// How a connection without a valid principal is refused, for one reason (<c>Not authenticated</c>, <c>Invalid token</c>,
/// <c>Token expired</c>): HTTP gets 401 with a JSON body <c>{"detail": reason}</c> (or the options' own response) and a
/// <c>www-authenticate</c> challenge; a WebSocket gets <c>websocket.close</c> before accept. The bearer middleware uses it on
/// protected paths, and leaves it in the scope for routes and mounts marked with <c>RequireAuthentication()</c>.
/// </summary>
internal sealed class BearerAuthenticationRefusal
{
    /// <summary>The refusal used when no bearer middleware ran: 401 <c>Not authenticated</c>, WebSocket close 1008.</summary>
    public static readonly BearerAuthenticationRefusal NotAuthenticated = new(Reasons.Missing, "Bearer", new BearerAuthenticationOptions(), NullLogger.Instance);

    private readonly BearerAuthenticationOptions _options;
    private readonly ILogger _logger;
    private readonly HttpResponseStart _start;
    private readonly HttpResponseBody _body;
    private readonly string _challenge;

    public BearerAuthenticationRefusal(string reason, string challenge, BearerAuthenticationOptions options, ILogger logger)
    {
        Reason = reason;
        _challenge = challenge;
        _options = options;
        _logger = logger;
        var json = Encoding.UTF8.GetBytes("{\"detail\":\"" + reason + "\"}");
        _start = new HttpResponseStart(401,
        [
            new("content-type", "application/json"),
            new("content-length", json.Length.ToString(CultureInfo.InvariantCulture)),
            new("www-authenticate", challenge),
        ]);
        _body = new HttpResponseBody(json);
        App = (scope, receive, send) => RefuseAsync((ConnectionScope)scope, receive, send, cause: null);
    }

    /// <summary>Why the connection is refused.</summary>
    public string Reason { get; }

    /// <summary>The refusal as an application, for the router (one cached delegate).</summary>
    public AsgiApp App { get; }

    /// <summary>Refuses the connection and logs why.</summary>
    /// <param name="scope">The connection.</param>
    /// <param name="receive">The receive callable.</param>
    /// <param name="send">The send callable.</param>
    /// <param name="cause">What made the token fail validation, when known.</param>
    /// <returns>A task that completes when the refusal is sent.</returns>
    public async Task RefuseAsync(ConnectionScope scope, AsgiReceive receive, AsgiSend send, Exception? cause)
    {
        ToolkitLog.BearerRefused(_logger, _options.RefusalLogLevel, scope.Type, scope.Path, Reason, cause);
        if (scope is WebSocketScope)
        {
            // The first event of a WebSocket connection is websocket.connect; a close sent before accept refuses it.
            var first = await receive().ConfigureAwait(false);
            if (first is WebSocketConnect)
            {
                await send(new WebSocketClose(_options.WebSocketCloseCode, Reason)).ConfigureAwait(false);
            }

            return;
        }

        if (_options.UnauthorizedResponse is { } build)
        {
            var response = build(Reason) ?? throw new InvalidOperationException("BearerAuthenticationOptions.UnauthorizedResponse returned null.");
            if (!response.Headers.Any(static h => h.Name == "www-authenticate"))
            {
                response.Headers.Add(new AsgiHeader("www-authenticate", _challenge));
            }

            await response.ExecuteAsync(scope, receive, send).ConfigureAwait(false);
            return;
        }

        await send(_start).ConfigureAwait(false);
        await send(_body).ConfigureAwait(false);
    }

    /// <summary>The reasons a connection is refused for, as the client sees them.</summary>
    public static class Reasons
    {
        /// <summary>No token, and no authenticated host user.</summary>
        public const string Missing = "Not authenticated";

        /// <summary>A token that did not validate.</summary>
        public const string Invalid = "Invalid token";

        /// <summary>A token past its expiry.</summary>
        public const string Expired = "Token expired";
    }
}
