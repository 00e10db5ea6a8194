using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AsgiBridge.Diagnostics;

/// <summary>
/// The bridge's instruments, on the meter <c>AsgiBridge</c> (named after ASP.NET Core's <c>Microsoft.AspNetCore.Hosting</c>
/// and <c>kestrel.*</c> instruments), and its activity source, also <c>AsgiBridge</c>. Nothing is recorded or allocated
/// while no listener is attached: every recording is guarded by the instrument's <c>Enabled</c>.
/// </summary>
internal sealed class AsgiMetrics : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string Name = AsgiTelemetryNames.MeterName;

    /// <summary>The activity started for each connection when a listener samples it.</summary>
    public const string ConnectionActivityName = AsgiTelemetryNames.ConnectionActivityName;

    private static readonly ActivitySource s_activities = new(AsgiTelemetryNames.ActivitySourceName);

    private readonly Meter _meter;
    private readonly UpDownCounter<long> _activeConnections;
    private readonly Histogram<double> _connectionDuration;
    private readonly Counter<long> _messagesReceived;
    private readonly Counter<long> _messagesSent;
    private readonly UpDownCounter<long> _lifespanRunning;

    public AsgiMetrics(IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        _activeConnections = _meter.CreateUpDownCounter<long>("asgi.server.active_connections", "{connection}",
            "ASGI connections (HTTP requests and WebSockets) being served.");
        _connectionDuration = _meter.CreateHistogram<double>("asgi.server.connection.duration", "s",
            "How long ASGI connections lasted, from the scope to the end of the application.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });
        _messagesReceived = _meter.CreateCounter<long>("asgi.server.messages.received", "{message}",
            "ASGI events the applications received (receive).");
        _messagesSent = _meter.CreateCounter<long>("asgi.server.messages.sent", "{message}",
            "ASGI events the applications sent (send).");
        _lifespanRunning = _meter.CreateUpDownCounter<long>("asgi.lifespan.running_applications", "{application}",
            "ASGI applications whose lifespan startup completed and whose shutdown has not.");
    }

    /// <summary>Records that a connection starts; returns its start time, or 0 when nothing listens.</summary>
    /// <param name="scopeType">The scope type (<c>http</c> or <c>websocket</c>).</param>
    /// <returns>A timestamp for <see cref="ConnectionEnded"/>.</returns>
    public long ConnectionStarted(string scopeType)
    {
        if (_activeConnections.Enabled)
        {
            _activeConnections.Add(1, new KeyValuePair<string, object?>("asgi.scope.type", scopeType));
        }

        return _connectionDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
    }

    /// <summary>Records that a connection ended.</summary>
    /// <param name="scopeType">The scope type.</param>
    /// <param name="started">What <see cref="ConnectionStarted"/> returned.</param>
    /// <param name="end">How it ended (<see cref="Hosting.AsgiConnectionEnd"/> as text).</param>
    public void ConnectionEnded(string scopeType, long started, Hosting.AsgiConnectionEnd end)
    {
        if (_activeConnections.Enabled)
        {
            _activeConnections.Add(-1, new KeyValuePair<string, object?>("asgi.scope.type", scopeType));
        }

        if (started != 0 && _connectionDuration.Enabled)
        {
            var tags = new TagList { { "asgi.scope.type", scopeType }, { "asgi.connection.end", EndName(end) } };
            _connectionDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }
    }

    /// <summary>Whether connection counts or durations are being recorded.</summary>
    public bool ConnectionsEnabled => _activeConnections.Enabled || _connectionDuration.Enabled;

    /// <summary>Whether message counts are being recorded.</summary>
    public bool MessagesEnabled => _messagesReceived.Enabled || _messagesSent.Enabled;

    /// <summary>Counts an event an application received.</summary>
    /// <param name="type">The message type.</param>
    public void MessageReceived(string type) => _messagesReceived.Add(1, new KeyValuePair<string, object?>("asgi.message.type", type));

    /// <summary>Counts the event a <c>receive</c> returns, once it completes.</summary>
    /// <param name="receive">The pending or completed receive.</param>
    /// <returns>The same event.</returns>
    public ValueTask<Messages.AsgiMessage> CountReceived(ValueTask<Messages.AsgiMessage> receive)
    {
        if (!_messagesReceived.Enabled)
        {
            return receive;
        }

        if (receive.IsCompletedSuccessfully)
        {
            MessageReceived(receive.Result.Type);
            return receive;
        }

        return AwaitAndCount(receive);
    }

    private async ValueTask<Messages.AsgiMessage> AwaitAndCount(ValueTask<Messages.AsgiMessage> receive)
    {
        var message = await receive.ConfigureAwait(false);
        MessageReceived(message.Type);
        return message;
    }

    /// <summary>Counts an event an application sent.</summary>
    /// <param name="type">The message type.</param>
    public void MessageSent(string type) => _messagesSent.Add(1, new KeyValuePair<string, object?>("asgi.message.type", type));

    /// <summary>Records that an application's lifespan startup completed (+1) or its shutdown finished (−1).</summary>
    /// <param name="delta">+1 or −1.</param>
    public void LifespanRunning(int delta) => _lifespanRunning.Add(delta);

    /// <summary>Starts the connection's activity, a child of ASP.NET Core's request activity, when a listener samples it.</summary>
    /// <param name="scopeType">The scope type.</param>
    /// <param name="path">The request path, for the activity's tags.</param>
    /// <returns>The activity, or <see langword="null"/>.</returns>
    public static Activity? StartConnectionActivity(string scopeType, string path)
    {
        if (!s_activities.HasListeners())
        {
            return null;
        }

        var activity = s_activities.StartActivity(ConnectionActivityName, ActivityKind.Internal);
        activity?.SetTag("asgi.scope.type", scopeType);
        activity?.SetTag("url.path", path);
        return activity;
    }

    /// <summary>Ends a connection's activity with its outcome.</summary>
    /// <param name="activity">The activity, if one was started.</param>
    /// <param name="outcome">The connection's outcome.</param>
    /// <param name="statusCode">The HTTP status the client got (101 for an accepted WebSocket), if a response started.</param>
    public static void StopConnectionActivity(Activity? activity, Hosting.AsgiConnectionOutcome? outcome, int? statusCode)
    {
        if (activity is null)
        {
            return;
        }

        if (statusCode is { } status)
        {
            activity.SetTag("http.response.status_code", status);
        }

        if (outcome is not null)
        {
            activity.SetTag("asgi.connection.end", EndName(outcome.End));

            if (outcome.WebSocketCloseCode is { } code)
            {
                activity.SetTag("asgi.websocket.close_code", code);
            }

            if (outcome.Failure is { } failure)
            {
                activity.SetStatus(ActivityStatusCode.Error, failure.Message);
                activity.SetTag("error.type", failure.GetType().FullName);
            }
        }

        activity.Stop();
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private static string EndName(Hosting.AsgiConnectionEnd end) => end switch
    {
        Hosting.AsgiConnectionEnd.Completed => "completed",
        Hosting.AsgiConnectionEnd.ClientDisconnected => "client_disconnected",
        Hosting.AsgiConnectionEnd.ApplicationError => "application_error",
        Hosting.AsgiConnectionEnd.IncompleteResponse => "incomplete_response",
        Hosting.AsgiConnectionEnd.BadRequest => "bad_request",
        _ => "shutdown_aborted",
    };
}
