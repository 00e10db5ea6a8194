namespace AsgiBridge.Conversion;

/// <summary>
/// Wraps an application written entirely in the dictionary style of Python ASGI (<c>app(scope, receive, send)</c>
/// where the scope and every message are dictionaries) as an <see cref="AsgiApp"/>, so it can run with
/// <c>UseAsgi</c> or <c>MapAsgi</c>.
/// </summary>
public static class AsgiDictionaryApp
{
    /// <summary>Creates an <see cref="AsgiApp"/> that hands <paramref name="app"/> dictionaries.</summary>
    /// <param name="app">
    /// The dictionary-style application: it gets the scope in dictionary form (see <see cref="AsgiScopeConverter.ToDictionary"/>;
    /// a new dictionary per call, whose <c>state</c> is the scope's own), a <c>receive</c> that returns the next message
    /// as a dictionary and a <c>send</c> that takes one (see <see cref="AsgiMessageConverter"/>).
    /// </param>
    /// <returns>The typed application.</returns>
    public static AsgiApp Create(
        Func<IDictionary<string, object?>, Func<Task<IDictionary<string, object?>>>, Func<IDictionary<string, object?>, Task>, Task> app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return (scope, receive, send) => app(
            AsgiScopeConverter.ToDictionary(scope),
            async () => await receive.ReceiveDictionaryAsync().ConfigureAwait(false),
            message => send.SendAsync(message).AsTask());
    }
}
