using AsgiBridge.Composition;

namespace AsgiBridge.Channels;

/// <summary>
/// Puts a channel layer into <c>scope["channel_layer"]</c> of a copy of every scope (the spec's rule: middleware never
/// changes the scope it was given), so applications reach it with <c>scope.GetChannelLayer()</c>.
/// </summary>
public sealed class ChannelLayerMiddleware : IAsgiMiddleware
{
    private readonly IAsgiChannelLayer _layer;

    /// <summary>Creates the middleware.</summary>
    /// <param name="layer">The layer to hand to applications.</param>
    public ChannelLayerMiddleware(IAsgiChannelLayer layer)
    {
        _layer = layer ?? throw new ArgumentNullException(nameof(layer));
    }

    /// <inheritdoc />
    public Task InvokeAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send, AsgiApp nextApp)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(nextApp);
        var copy = scope.Copy();
        copy[AsgiChannelLayerScopeExtensions.ScopeKey] = _layer;
        return nextApp(copy, receive, send);
    }
}
