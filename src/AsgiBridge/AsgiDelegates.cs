using AsgiBridge.Messages;

namespace AsgiBridge;

/// <summary>
/// An ASGI 3.0 application: called once per connection (one HTTP request, one WebSocket, or the lifespan)
/// with the connection <paramref name="scope"/>, a <paramref name="receive"/> function that yields incoming
/// events, and a <paramref name="send"/> function that emits outgoing events.
/// </summary>
/// <param name="scope">The connection scope (<see cref="HttpScope"/>, <see cref="WebSocketScope"/> or <see cref="LifespanScope"/>).</param>
/// <param name="receive">Returns the next incoming event.</param>
/// <param name="send">Emits an outgoing event; completes once the event has been handed to the transport.</param>
/// <returns>A task that completes when the application instance is finished with the connection.</returns>
public delegate Task AsgiApp(AsgiScope scope, AsgiReceive receive, AsgiSend send);

/// <summary>The ASGI <c>receive</c> callable: returns the next event from the client or server.</summary>
/// <returns>The next incoming message; often completes synchronously.</returns>
public delegate ValueTask<AsgiMessage> AsgiReceive();

/// <summary>The ASGI <c>send</c> callable: emits one event towards the client or server.</summary>
/// <param name="message">The message to send.</param>
/// <returns>A task that completes once the message has been processed (for body data: flushed to the transport).</returns>
public delegate ValueTask AsgiSend(AsgiMessage message);

/// <summary>An ASGI middleware: a function that wraps an application and returns a new application.</summary>
/// <param name="next">The application being wrapped.</param>
/// <returns>The wrapping application.</returns>
public delegate AsgiApp AsgiMiddleware(AsgiApp next);
