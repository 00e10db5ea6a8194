namespace AsgiBridge.Hosting;

/// <summary>Who owns the memory of the <c>http.request</c> chunks the bridge hands to an application.</summary>
public enum AsgiRequestBodyBuffers
{
    /// <summary>
    /// Every chunk is a new array that belongs to the application, as Python's <c>bytes</c> do under uvicorn: it may be
    /// kept, queued to a background task or stored after the request. The default.
    /// </summary>
    Owned = 0,

    /// <summary>
    /// Chunks are rented from <see cref="System.Buffers.ArrayPool{T}.Shared"/> and go back to it once the application has
    /// returned and the response is finished, so a request body costs no allocation. A chunk stays valid (and unchanged)
    /// until then, across later <c>receive</c> calls, so collecting the chunks and joining them at the end works; anything
    /// used after the application returns (a background task, a cache, a channel message) must be copied first, or it will
    /// see another request's bytes. Pooled buffers lend the first MiB of each request's body; later chunks of a longer body
    /// are owned arrays, so a long upload that the application streams elsewhere is not held in the pool until it returns.
    /// </summary>
    Pooled = 1,
}
