using System.Collections;
using CsCheck;
using Xunit.Abstractions;

namespace AsgiBridge.Tests.Fuzzing;

/// <summary>
/// How the fuzzers run: CsCheck samples a generator on one thread for a fixed time (with a time set, CsCheck runs until
/// it is up, whatever the iteration count), and the test reports how many inputs it tried. Every run draws fresh inputs; a failure prints the CsCheck seed that reproduces it
/// (set the environment variable <c>CsCheck_Seed</c> to replay it).
/// </summary>
internal static class FuzzRun
{
    public const int Seconds = 2;

    public static void Sample<T>(this Gen<T> gen, ITestOutputHelper output, string name, Action<T> property)
    {
        var tried = 0L;
        gen.Sample(input =>
        {
            Interlocked.Increment(ref tried);
            property(input);
        }, writeLine: line => output.WriteLine(name + ": " + line), time: Seconds, threads: 1);
        output.WriteLine($"{name}: {tried} inputs tried");
        Assert.True(tried > 0, name + " tried nothing");
    }

    /// <summary>Compares two values of the dictionary form (dictionaries, lists, byte strings, scalars).</summary>
    public static bool DeepEquals(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (byte[] x, byte[] y) => x.AsSpan().SequenceEqual(y),
        (IDictionary<string, object?> x, IDictionary<string, object?> y) => x.Count == y.Count && x.All(p => y.TryGetValue(p.Key, out var v) && DeepEquals(p.Value, v)),
        (IReadOnlyDictionary<string, object?> x, IReadOnlyDictionary<string, object?> y) => x.Count == y.Count && x.All(p => y.TryGetValue(p.Key, out var v) && DeepEquals(p.Value, v)),
        (IList x, IList y) => x.Count == y.Count && Enumerable.Range(0, x.Count).All(i => DeepEquals(x[i], y[i])),
        _ => Equals(a, b),
    };
}
