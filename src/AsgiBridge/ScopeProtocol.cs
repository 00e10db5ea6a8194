namespace AsgiBridge;

/// <summary>
/// The <c>asgi</c> and <c>extensions</c> keys of a scope, held together: the server gives every scope of a kind the same
/// instance (nothing allocated per connection), and changing either key on a scope replaces its instance.
/// </summary>
/// <param name="Asgi">The <c>asgi</c> key.</param>
/// <param name="Extensions">The <c>extensions</c> key, or <see langword="null"/> for none.</param>
internal sealed record ScopeProtocol(AsgiVersion Asgi, IReadOnlyDictionary<string, object?>? Extensions)
{
    /// <summary>HTTP and WebSocket scopes without extensions.</summary>
    public static ScopeProtocol Www { get; } = new(AsgiVersion.Www, null);

    /// <summary>The lifespan scope.</summary>
    public static ScopeProtocol Lifespan { get; } = new(AsgiVersion.Lifespan, null);
}
