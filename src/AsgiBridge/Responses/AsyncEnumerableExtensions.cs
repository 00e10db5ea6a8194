using System.Runtime.CompilerServices;

namespace AsgiBridge.Responses;

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
}
