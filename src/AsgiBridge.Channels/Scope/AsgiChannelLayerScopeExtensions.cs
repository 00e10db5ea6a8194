namespace AsgiBridge.Channels;

/// <summary>Reads the channel layer that <c>pipeline.UseChannelLayer()</c> put into <c>scope["channel_layer"]</c>.</summary>
public static class AsgiChannelLayerScopeExtensions
{
    /// <summary>The scope key that holds the layer.</summary>
    public const string ScopeKey = "channel_layer";

    /// <summary>Returns the scope's channel layer.</summary>
    /// <param name="scope">The scope an application received.</param>
    /// <returns>The layer.</returns>
    /// <exception cref="InvalidOperationException">No channel-layer middleware runs before this application.</exception>
    public static IAsgiChannelLayer GetChannelLayer(this AsgiScope scope) =>
        scope.TryGetChannelLayer(out var layer)
            ? layer
            : throw new InvalidOperationException("scope[\"channel_layer\"] is not set: add pipeline.UseChannelLayer() (and services.AddAsgiChannelLayer()) before this application.");

    /// <summary>Returns the scope's channel layer, if it has one.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="layer">The layer.</param>
    /// <returns>Whether the scope has a layer.</returns>
    public static bool TryGetChannelLayer(this AsgiScope scope, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IAsgiChannelLayer? layer)
    {
        ArgumentNullException.ThrowIfNull(scope);
        layer = scope[ScopeKey] as IAsgiChannelLayer;
        return layer is not null;
    }
}
