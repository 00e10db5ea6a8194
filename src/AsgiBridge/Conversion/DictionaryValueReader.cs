using System.Collections;
using System.Collections.ObjectModel;
using System.Numerics;

namespace AsgiBridge.Conversion;

/// <summary>
/// Reads single values of the dictionary form into .NET types, accepting every CLR representation a caller may
/// reasonably use for a Python type and nothing that changes meaning (no bool as int, no float as int, no text as bytes).
/// </summary>
internal static class DictionaryValueReader
{
    /// <summary>Names the Python type a value stands for, for error messages.</summary>
    /// <param name="value">The value.</param>
    /// <returns>For example <c>None</c>, <c>bool</c>, <c>str</c>, <c>float (Double)</c>.</returns>
    public static string Describe(object? value) => value switch
    {
        null => "None",
        bool => "bool",
        string => "str",
        byte[] or ReadOnlyMemory<byte> or Memory<byte> or ArraySegment<byte> => "bytes",
        double or float or decimal or Half => $"float ({value.GetType().Name})",
        sbyte or byte or short or ushort or int or uint or long or ulong or nint or nuint or Int128 or UInt128 or BigInteger => $"int ({value.GetType().Name})",
        _ when IsDictionary(value) => $"dict ({value.GetType().Name})",
        _ when DictionaryList.TryCreate(value, out _) => $"list ({value.GetType().Name})",
        _ => value.GetType().Name,
    };

    /// <summary>Reads a Python int that must fit a 32-bit field (status, close code, port).</summary>
    /// <param name="value">The value.</param>
    /// <param name="result">The number.</param>
    /// <param name="problem">Why the value was rejected.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is an integral number in range.</returns>
    public static bool TryGetInt32(object? value, out int result, out string? problem)
    {
        if (value is int small)
        {
            result = small;
            problem = null;
            return true;
        }

        Int128 number;
        switch (value)
        {
            case long l: number = l; break;
            case short s: number = s; break;
            case sbyte sb: number = sb; break;
            case byte b: number = b; break;
            case ushort us: number = us; break;
            case uint ui: number = ui; break;
            case ulong ul: number = ul; break;
            case nint n: number = n; break;
            case nuint nu: number = nu; break;
            case Int128 i128: number = i128; break;
            case UInt128 u128: number = u128 > (UInt128)Int128.MaxValue ? Int128.MaxValue : (Int128)u128; break;
            case BigInteger big: number = big < long.MinValue ? long.MinValue : big > long.MaxValue ? long.MaxValue : (long)big; break;
            case bool:
                result = 0;
                problem = "expected int, got bool (booleans are not accepted as numbers).";
                return false;
            default:
                result = 0;
                problem = $"expected int, got {Describe(value)}.";
                return false;
        }

        if (number < int.MinValue || number > int.MaxValue)
        {
            result = 0;
            problem = $"{value} is out of range.";
            return false;
        }

        result = (int)number;
        problem = null;
        return true;
    }

    /// <summary>Reads a Python bytes value. Byte arrays are wrapped, not copied.</summary>
    /// <param name="value">The value.</param>
    /// <param name="bytes">The bytes.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is a byte string.</returns>
    public static bool TryGetBytes(object? value, out ReadOnlyMemory<byte> bytes)
    {
        switch (value)
        {
            case byte[] array:
                bytes = array;
                return true;
            case ReadOnlyMemory<byte> memory:
                bytes = memory;
                return true;
            case Memory<byte> memory:
                bytes = memory;
                return true;
            case ArraySegment<byte> segment:
                bytes = segment;
                return true;
            default:
                bytes = default;
                return false;
        }
    }

    /// <summary>Returns whether a value is a dictionary of any kind.</summary>
    /// <param name="value">The value.</param>
    /// <returns><see langword="true"/> for dictionaries.</returns>
    public static bool IsDictionary(object? value) =>
        value is IDictionary or IReadOnlyDictionary<string, object?> or IDictionary<string, object?>;

    /// <summary>
    /// Reads a Python dict with str keys. String-keyed generic dictionaries are used as they are (wrapped when they
    /// are only <see cref="IDictionary{TKey, TValue}"/>); other dictionaries are copied once, every key checked.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="dictionary">The dictionary.</param>
    /// <param name="problem">Why the value was rejected.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is a dictionary with string keys.</returns>
    public static bool TryGetDictionary(object? value, out IReadOnlyDictionary<string, object?> dictionary, out string? problem)
    {
        problem = null;
        switch (value)
        {
            case IReadOnlyDictionary<string, object?> readOnly:
                dictionary = readOnly;
                return true;
            case IDictionary<string, object?> mutable:
                dictionary = new ReadOnlyDictionary<string, object?>(mutable);
                return true;
            case IDictionary other:
                var copy = new Dictionary<string, object?>(other.Count, StringComparer.Ordinal);
                foreach (DictionaryEntry entry in other)
                {
                    if (entry.Key is not string key)
                    {
                        dictionary = copy;
                        problem = $"dictionary keys must be str, got {Describe(entry.Key)}.";
                        return false;
                    }

                    copy[key] = entry.Value;
                }

                dictionary = copy;
                return true;
            default:
                dictionary = null!;
                problem = $"expected dict, got {Describe(value)}.";
                return false;
        }
    }
}
