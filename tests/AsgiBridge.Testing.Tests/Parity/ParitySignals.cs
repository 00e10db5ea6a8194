using System.Collections.Concurrent;

namespace AsgiBridge.Testing.Tests.Parity;

/// <summary>
/// Lets a parity application tell the test that it reached a point (for example "a send is pending, the overlapping
/// send was tried"), by a token the test puts in the query string; both servers run in the test process.
/// </summary>
internal static class ParitySignals
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> s_signals = new(StringComparer.Ordinal);

    public static string NewToken() => Guid.NewGuid().ToString("N");

    public static void Raise(string token) => Get(token).TrySetResult();

    public static Task WaitAsync(string token) => Get(token).Task.WaitAsync(TestApps.Timeout);

    private static TaskCompletionSource Get(string token) =>
        s_signals.GetOrAdd(token, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
