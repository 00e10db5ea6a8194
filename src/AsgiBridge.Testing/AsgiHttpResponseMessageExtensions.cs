using AsgiBridge.Hosting;

namespace AsgiBridge.Testing;

/// <summary>The bridge's record of a request sent through <see cref="AsgiTestClient.Http"/>.</summary>
public static class AsgiHttpResponseMessageExtensions
{
    /// <summary>
    /// Waits until the application has finished with the request behind <paramref name="response"/> and returns how the
    /// bridge saw it end (what the application raised, the protocol violation it made, what the bridge answered for it).
    /// </summary>
    /// <param name="response">A response of an <see cref="AsgiTestClient"/>'s handler.</param>
    /// <param name="timeout">How long to wait (default 10 seconds).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="TimeoutException">The application is still running.</exception>
    /// <exception cref="InvalidOperationException">The response did not come from an <see cref="AsgiTestClient"/>, or no ASGI application served it.</exception>
    public static Task<AsgiConnectionOutcome> WaitForAsgiOutcomeAsync(this HttpResponseMessage response, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        return (response.RequestMessage ?? throw new InvalidOperationException("This response has no request message."))
            .WaitForAsgiOutcomeAsync(timeout, cancellationToken);
    }

    /// <summary>
    /// Waits until the application has finished with <paramref name="request"/>, sent through an
    /// <see cref="AsgiTestClient"/>'s handler, and returns the bridge's record of it (also when sending failed, for example
    /// because the response was cut off).
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="timeout">How long to wait (default 10 seconds).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="TimeoutException">The application is still running.</exception>
    /// <exception cref="InvalidOperationException">The request was not sent by an <see cref="AsgiTestClient"/>, or no ASGI application served it.</exception>
    public static async Task<AsgiConnectionOutcome> WaitForAsgiOutcomeAsync(this HttpRequestMessage request, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var slot = request.Options.TryGetValue(AsgiHttpMessageHandler.SlotKey, out var found)
            ? found
            : throw new InvalidOperationException("This request was not sent by an AsgiTestClient.");
        return await slot.WaitAsync(timeout ?? TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("No ASGI application served this request.");
    }
}
