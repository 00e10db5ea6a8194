using System.Diagnostics;
using AsgiBridge.Composition;
using AsgiBridge.Diagnostics;
using AsgiBridge.Messages;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Toolkit;

/// <summary>
/// Logs every HTTP request once it has finished (method, path, status and duration) and every WebSocket connection
/// when it is accepted and when it ends (close code and who closed it), through <see cref="ILogger"/> with stable
/// event ids, so any provider (the console, Serilog, OpenTelemetry) picks the lines up. It observes the messages by
/// wrapping <c>send</c> and <c>receive</c> and never changes the scope. When Information is not enabled for its logger
/// it calls the next application directly, without wrapping anything.
/// </summary>
public sealed class RequestLoggingMiddleware : IAsgiMiddleware
{
    /// <summary>The logger category used when the logger comes from an <see cref="ILoggerFactory"/>.</summary>
    public const string LoggerCategory = "AsgiBridge.RequestLogging";

    private readonly ILogger _logger;

    /// <summary>Creates the middleware.</summary>
    /// <param name="logger">Where the lines go.</param>
    public RequestLoggingMiddleware(ILogger logger)
    {
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Creates the middleware with a logger of category <see cref="LoggerCategory"/>.</summary>
    /// <param name="loggerFactory">The logger factory.</param>
    public RequestLoggingMiddleware(ILoggerFactory loggerFactory)
        : this((loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory))).CreateLogger(LoggerCategory))
    {
    }

    /// <inheritdoc />
    public Task InvokeAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send, AsgiApp nextApp)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(nextApp);
        if (!_logger.IsEnabled(LogLevel.Information))
        {
            return nextApp(scope, receive, send);
        }

        return scope switch
        {
            HttpScope http => LogHttpAsync(http, receive, send, nextApp),
            WebSocketScope ws => LogWebSocketAsync(ws, receive, send, nextApp),
            _ => nextApp(scope, receive, send),
        };
    }

    private async Task LogHttpAsync(HttpScope scope, AsgiReceive receive, AsgiSend send, AsgiApp nextApp)
    {
        var started = Stopwatch.GetTimestamp();
        var status = 0;
        AsgiSend observed = message =>
        {
            if (message is HttpResponseStart start)
            {
                status = start.Status;
            }

            return send(message);
        };

        try
        {
            await nextApp(scope, receive, observed).ConfigureAwait(false);
        }
        catch (AsgiClientDisconnectedException)
        {
            ToolkitLog.HttpRequestClientDisconnected(_logger, scope.Method, scope.Path, Stopwatch.GetElapsedTime(started).TotalMilliseconds, status);
            throw;
        }
        catch (Exception ex)
        {
            ToolkitLog.HttpRequestFailed(_logger, scope.Method, scope.Path, ex.GetType().Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds, status);
            throw;
        }

        ToolkitLog.HttpRequestCompleted(_logger, scope.Method, scope.Path, status, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private async Task LogWebSocketAsync(WebSocketScope scope, AsgiReceive receive, AsgiSend send, AsgiApp nextApp)
    {
        var started = Stopwatch.GetTimestamp();
        var accepted = false;
        int? closeCode = null;
        var closedBy = "application";
        var denialStatus = 0;

        AsgiSend observedSend = message =>
        {
            switch (message)
            {
                case WebSocketAccept accept:
                    accepted = true;
                    ToolkitLog.WebSocketAccepted(_logger, scope.Path, accept.Subprotocol);
                    break;
                case WebSocketClose close when closeCode is null:
                    closeCode = close.Code;
                    closedBy = "application";
                    break;
                case WebSocketHttpResponseStart denial:
                    denialStatus = denial.Status;
                    break;
            }

            return send(message);
        };

        AsgiReceive observedReceive = async () =>
        {
            var message = await receive().ConfigureAwait(false);
            if (message is WebSocketDisconnect disconnect && closeCode is null)
            {
                closeCode = disconnect.Code;
                closedBy = "client";
            }

            return message;
        };

        try
        {
            await nextApp(scope, observedReceive, observedSend).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ToolkitLog.WebSocketFailed(_logger, scope.Path, ex.GetType().Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds, accepted);
            throw;
        }

        if (accepted)
        {
            // An application that returns without closing gets close code 1000 from the server.
            ToolkitLog.WebSocketClosed(_logger, scope.Path, closeCode ?? 1000, closeCode is null ? "server" : closedBy, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        else
        {
            ToolkitLog.WebSocketRejected(_logger, scope.Path, closeCode ?? 0, denialStatus != 0 ? denialStatus : 403);
        }
    }
}
