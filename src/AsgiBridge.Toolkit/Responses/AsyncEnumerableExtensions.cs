using System.Runtime.CompilerServices;

namespace AsgiBridge.Toolkit;

/// <summary>Small helpers over async sequences used by the streaming responses.</summary>
internal static class AsyncEnumerableExtensions
{
    public static async IAsyncEnumerable<T> AsEnumerable<T>(this ConfiguredCancelableAsyncEnumerable<T> source)
    {
        await foreach (var item in source)
        {
            yield return item;
        }
    }

    /// <summary>
    /// Disposes an enumerator whose <c>MoveNextAsync</c> may still be running (a producer that ignores cancellation):
    /// an async iterator cannot be disposed while it runs, so disposal waits for that step, in the background if needed.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="enumerator">The enumerator.</param>
    /// <param name="pending">The step still running, or <see langword="null"/>.</param>
    /// <returns>A task that completes when disposed, or at once when disposal had to be left to the pending step.</returns>
    public static ValueTask DisposeWhenIdleAsync<T>(this IAsyncEnumerator<T> enumerator, Task<bool>? pending)
    {
        if (pending is null || pending.IsCompleted)
        {
            return enumerator.DisposeAsync();
        }

        _ = DisposeAfterAsync(enumerator, pending);
        return ValueTask.CompletedTask;
    }

    private static async Task DisposeAfterAsync<T>(IAsyncEnumerator<T> enumerator, Task<bool> pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Nobody listens any more: the step's outcome (usually a cancellation) only matters for disposal.
        }

        try
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Same: the response is over; a failing cleanup of an abandoned producer has nobody to report to.
        }
    }
}
