namespace AsgiBridge.Channels.Hosting;

/// <summary>
/// Returned by <c>services.AddAsgiChannelLayer(...)</c>: chooses the backend. Nothing chosen means the in-memory layer;
/// the broker packages add <c>UseRedis(...)</c> and <c>UseNats(...)</c>.
/// </summary>
public interface IAsgiChannelLayerBuilder
{
    /// <summary>The application's services.</summary>
    Microsoft.Extensions.DependencyInjection.IServiceCollection Services { get; }

    /// <summary>
    /// Sets the broker the layer uses; the factory runs once, when the layer is first resolved, and may return
    /// <see langword="null"/> to keep the in-memory layer (for example when no connection string is configured).
    /// The last call wins.
    /// </summary>
    /// <param name="factory">Creates the broker from the application's services.</param>
    /// <returns>This builder.</returns>
    IAsgiChannelLayerBuilder UseBroker(Func<IServiceProvider, Broker.IChannelLayerBroker?> factory);
}
