namespace AsgiBridge.Server;

/// <summary>Where the lifespan <c>state</c> namespace comes from; each connection scope gets a shallow copy of it.</summary>
internal interface IAsgiStateSource
{
    /// <summary>The lifespan state, or <see langword="null"/> when lifespan is not running for this application.</summary>
    IReadOnlyDictionary<string, object?>? State { get; }
}
