using AsgiBridge.Lifespan;
using AsgiBridge.Messages;
using Microsoft.AspNetCore.Http;

namespace AsgiBridge.Testing.Hosting;

/// <summary>
/// The pass-through application the client mounts in front of the user's application when it owns the host. It checks
/// nothing: it sets the scope's <c>client</c> and <c>server</c> addresses (starlette's <c>testclient</c>/<c>testserver</c>),
/// captures the lifespan <c>state</c> namespace and what the application answered to lifespan, and copies
/// <c>http.response.debug</c> info aside once the bridge has accepted it. Every message still goes to the bridge's own
/// <c>send</c>, which applies the rules.
/// </summary>
internal sealed class TestApplication
{
    private readonly AsgiApp _app;
    private readonly AsgiAddress? _client;
    private readonly AsgiAddress _server;
    private IDictionary<string, object?>? _state;
    private volatile bool _startupCompleted;
    private volatile bool _shutdownStarted;
    private string? _shutdownFailure;
    private Exception? _lifespanException;

    public TestApplication(AsgiApp app, AsgiTestClientOptions options)
    {
        _app = app;
        _client = options.Client;
        var address = options.BaseAddress;
        _server = new AsgiAddress(address.Host, address.Port);
        App = InvokeAsync;
    }

    /// <summary>The application to mount with <c>UseAsgi</c>.</summary>
    public AsgiApp App { get; }

    /// <summary>Finds the request's connection slot (set once the host is built).</summary>
    public IHttpContextAccessor? Accessor { get; set; }

    /// <summary>Whether the application answered <c>lifespan.startup.complete</c>.</summary>
    public bool StartupCompleted => _startupCompleted;

    /// <summary>The lifespan state namespace, once startup completed.</summary>
    public IDictionary<string, object?>? State => _startupCompleted ? _state : null;

    /// <summary>
    /// The error to report after shutdown: the application sent <c>lifespan.shutdown.failed</c> or raised after startup
    /// completed. The host only logs these; the test client reports them so the test hears about them.
    /// </summary>
    /// <returns>The exception, or <see langword="null"/>.</returns>
    public AsgiLifespanException? ShutdownError()
    {
        if (Volatile.Read(ref _shutdownFailure) is { } message)
        {
            return new AsgiLifespanException($"The ASGI application failed lifespan shutdown: {(message.Length == 0 ? "(no message)" : message)}");
        }

        return Volatile.Read(ref _lifespanException) is { } exception
            ? new AsgiLifespanException($"The ASGI application raised during lifespan: {exception.Message}", exception)
            : null;
    }

    private Task InvokeAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        switch (scope)
        {
            case LifespanScope lifespan:
                return RunLifespanAsync(lifespan, receive, send);
            case ConnectionScope connection:
                connection.Client = _client;
                connection.Server = _server;
                if (scope is HttpScope && Accessor?.HttpContext?.Features.Get<ConnectionSlot>() is { } slot)
                {
                    send = CapturingDebugInfo(send, slot);
                }

                return _app(scope, receive, send);
            default:
                return _app(scope, receive, send);
        }
    }

    private static AsgiSend CapturingDebugInfo(AsgiSend send, ConnectionSlot slot) => message =>
    {
        if (message is not HttpResponseDebug debug)
        {
            return send(message);
        }

        var sent = send(message);
        if (sent.IsCompletedSuccessfully)
        {
            slot.DebugInfo = debug.Info;
            return sent;
        }

        return AwaitDebug(sent, slot, debug);
    };

    private static async ValueTask AwaitDebug(ValueTask sent, ConnectionSlot slot, HttpResponseDebug debug)
    {
        await sent.ConfigureAwait(false);
        slot.DebugInfo = debug.Info;
    }

    private async Task RunLifespanAsync(LifespanScope scope, AsgiReceive receive, AsgiSend send)
    {
        _state = scope.State;
        AsgiReceive observedReceive = async () =>
        {
            var message = await receive().ConfigureAwait(false);
            if (message is LifespanShutdown)
            {
                _shutdownStarted = true;
            }

            return message;
        };
        AsgiSend observedSend = async message =>
        {
            await send(message).ConfigureAwait(false);
            switch (message)
            {
                case LifespanStartupComplete:
                    _startupCompleted = true;
                    break;
                case LifespanShutdownFailed failed:
                    Volatile.Write(ref _shutdownFailure, failed.Message);
                    break;
            }
        };

        try
        {
            await _app(scope, observedReceive, observedSend).ConfigureAwait(false);
        }
        catch (Exception ex) when (_startupCompleted || _shutdownStarted)
        {
            Volatile.Write(ref _lifespanException, ex);
            throw;
        }
    }
}
