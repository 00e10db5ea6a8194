using Microsoft.AspNetCore.Mvc.Testing;

namespace AsgiBridge.Testing;

/// <summary>Test clients for applications hosted by a <see cref="WebApplicationFactory{TEntryPoint}"/>.</summary>
public static class AsgiWebApplicationFactoryExtensions
{
    /// <summary>
    /// An <see cref="AsgiTestClient"/> over the factory's <see cref="WebApplicationFactory{TEntryPoint}.Server"/> (which
    /// boots the host, running its lifespan): the project's own pipeline serves HTTP and WebSockets, cookies are kept, and
    /// failures the bridge recorded are re-thrown. See <see cref="AsgiTestClient.ForServer"/> for what does not apply.
    /// Dispose the client before the factory; disposing it leaves the factory's host running.
    /// </summary>
    /// <typeparam name="TEntryPoint">The entry point of the project under test.</typeparam>
    /// <param name="factory">The factory.</param>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    /// <returns>The client.</returns>
    public static AsgiTestClient CreateAsgiClient<TEntryPoint>(this WebApplicationFactory<TEntryPoint> factory, AsgiTestClientOptions? options = null)
        where TEntryPoint : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        return AsgiTestClient.ForServer(factory.Server, options);
    }
}
