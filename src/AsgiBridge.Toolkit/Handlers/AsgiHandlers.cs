
namespace AsgiBridge.Toolkit;

/// <summary>Adapts request/response style endpoints to ASGI applications.</summary>
public static class AsgiHandlers
{
    /// <summary>An HTTP endpoint: receives an <see cref="AsgiRequest"/>, returns the <see cref="AsgiResponse"/> to send.</summary>
    /// <param name="handler">The endpoint.</param>
    /// <returns>The ASGI application.</returns>
    public static AsgiApp FromRequest(Func<AsgiRequest, Task<AsgiResponse>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return async (scope, receive, send) =>
        {
            if (scope is not HttpScope http)
            {
                throw new NotSupportedException($"This endpoint handles 'http' connections, not '{scope.Type}'.");
            }

            var response = await handler(AsgiRequest.FromScope(http, receive)).ConfigureAwait(false);
            await response.ExecuteAsync(scope, receive, send).ConfigureAwait(false);
        };
    }

    /// <summary>A synchronous HTTP endpoint: receives an <see cref="AsgiRequest"/>, returns the <see cref="AsgiResponse"/> to send.</summary>
    /// <param name="handler">The endpoint; what it throws faults the returned task.</param>
    /// <returns>The ASGI application.</returns>
    public static AsgiApp FromRequest(Func<AsgiRequest, AsgiResponse> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return (scope, receive, send) =>
        {
            if (scope is not HttpScope http)
            {
                return Task.FromException(new NotSupportedException($"This endpoint handles 'http' connections, not '{scope.Type}'."));
            }

            AsgiResponse response;
            try
            {
                response = handler(AsgiRequest.FromScope(http, receive));
            }
            catch (Exception ex)
            {
                return Task.FromException(ex);
            }

            return response.ExecuteAsync(scope, receive, send);
        };
    }

    /// <summary>A WebSocket endpoint working with an <see cref="AsgiWebSocket"/> session.</summary>
    /// <param name="handler">The endpoint; it accepts, talks and closes.</param>
    /// <returns>The ASGI application.</returns>
    public static AsgiApp FromWebSocket(Func<AsgiWebSocket, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return (scope, receive, send) => scope is WebSocketScope ws
            ? handler(new AsgiWebSocket(ws, receive, send))
            : throw new NotSupportedException($"This endpoint handles 'websocket' connections, not '{scope.Type}'.");
    }
}
