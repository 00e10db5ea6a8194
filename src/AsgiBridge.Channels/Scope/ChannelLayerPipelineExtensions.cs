using AsgiBridge.Channels;
using Microsoft.Extensions.DependencyInjection;

namespace AsgiBridge.Composition;

/// <summary>Adds <see cref="ChannelLayerMiddleware"/> to an ASGI pipeline.</summary>
public static class ChannelLayerPipelineExtensions
{
    /// <summary>
    /// Puts the channel layer into <c>scope["channel_layer"]</c> for the applications after this point: the given one, or
    /// the <see cref="IAsgiChannelLayer"/> registered with <c>services.AddAsgiChannelLayer()</c>.
    /// </summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="layer">The layer; default: from <see cref="AsgiPipelineBuilder.Services"/>.</param>
    /// <returns>The pipeline.</returns>
    /// <exception cref="InvalidOperationException">No layer is given and none is registered.</exception>
    public static AsgiPipelineBuilder UseChannelLayer(this AsgiPipelineBuilder pipeline, IAsgiChannelLayer? layer = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        layer ??= pipeline.Services.GetService<IAsgiChannelLayer>()
            ?? throw new InvalidOperationException("No channel layer is registered: call services.AddAsgiChannelLayer() or pass a layer to UseChannelLayer.");
        return pipeline.Use(new ChannelLayerMiddleware(layer));
    }
}
