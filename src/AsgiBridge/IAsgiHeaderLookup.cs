namespace AsgiBridge;

/// <summary>
/// A header list that can answer a lookup by name without building the whole list: the server's view of the request
/// headers (<see cref="AsgiHeaderListExtensions"/> use it). Names compare case-insensitively.
/// </summary>
internal interface IAsgiHeaderLookup
{
    /// <summary>The first value of a header, or <see langword="null"/>.</summary>
    /// <param name="name">The header name.</param>
    /// <returns>The value.</returns>
    string? GetFirst(string name);

    /// <summary>Every value of a header, in order.</summary>
    /// <param name="name">The header name.</param>
    /// <returns>The values.</returns>
    IReadOnlyList<string> GetAll(string name);
}
