using System.Runtime.CompilerServices;
using System.Text;

namespace AsgiBridge.Seeds.Tests.Ports;

/// <summary>The few Python built-ins the ports use, so a ported line reads like its original.</summary>
internal static class Py
{
    /// <summary>Python's <c>assert</c>: raises (an AssertionError there, an <see cref="InvalidOperationException"/> here).</summary>
    /// <param name="condition">The asserted condition.</param>
    /// <param name="expression">Filled in by the compiler.</param>
    public static void Assert([System.Diagnostics.CodeAnalysis.DoesNotReturnIf(false)] bool condition, [CallerArgumentExpression(nameof(condition))] string? expression = null)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"AssertionError: {expression}");
        }
    }

    /// <summary><c>b"..."</c>: the Latin-1 bytes of a literal.</summary>
    /// <param name="text">The literal.</param>
    /// <returns>Its bytes.</returns>
    public static byte[] B(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary><c>bytes.decode()</c>: UTF-8.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The text.</returns>
    public static string Decode(object? bytes) => bytes is byte[] b ? Encoding.UTF8.GetString(b) : string.Empty;

    /// <summary>
    /// <c>dict(scope['headers'])</c>: the headers of a scope in dictionary form as a name-to-value map of strings, the last
    /// value of a repeated name winning as in Python.
    /// </summary>
    /// <param name="headers">The scope's <c>headers</c> value (a list of <c>[name, value]</c> byte pairs).</param>
    /// <returns>The map, keyed by the Latin-1 name.</returns>
    public static Dictionary<string, byte[]> HeaderDict(object? headers)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var pair in (System.Collections.IEnumerable?)headers ?? Array.Empty<object>())
        {
            var items = ((System.Collections.IList)pair!);
            result[Encoding.Latin1.GetString((byte[])items[0]!)] = (byte[])items[1]!;
        }

        return result;
    }
}
