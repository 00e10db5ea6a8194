namespace AsgiBridge;

/// <summary>
/// The lifespan <c>state</c> namespace as the server shares it with an application's connections: one instance per
/// application, from which each scope makes its shallow copy on first use of <see cref="AsgiScope.State"/>.
/// </summary>
/// <param name="State">The namespace the application filled during startup.</param>
internal sealed record LifespanStateSnapshot(IReadOnlyDictionary<string, object?> State);
