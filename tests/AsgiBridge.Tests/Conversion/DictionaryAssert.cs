using System.Collections;

namespace AsgiBridge.Tests.Conversion;

/// <summary>Deep structural equality for values of the dictionary form, with a path to the first difference.</summary>
internal static class DictionaryAssert
{
    public static void DeepEqual(object? expected, object? actual, string path = "$")
    {
        switch (expected)
        {
            case null:
                Assert.True(actual is null, $"{path}: expected None, got {actual}");
                return;
            case byte[] bytes:
                var actualBytes = Assert.IsType<byte[]>(actual);
                Assert.True(bytes.AsSpan().SequenceEqual(actualBytes), $"{path}: bytes differ: [{Convert.ToHexString(bytes)}] vs [{Convert.ToHexString(actualBytes)}]");
                return;
            case string text:
                Assert.True(actual is string s && s == text, $"{path}: expected str '{text}', got {actual}");
                return;
            case IDictionary<string, object?> dictionary:
                var other = Assert.IsAssignableFrom<IDictionary<string, object?>>(actual);
                Assert.True(dictionary.Keys.Order(StringComparer.Ordinal).SequenceEqual(other.Keys.Order(StringComparer.Ordinal)),
                    $"{path}: keys differ: [{string.Join(", ", dictionary.Keys)}] vs [{string.Join(", ", other.Keys)}]");
                foreach (var (key, value) in dictionary)
                {
                    DeepEqual(value, other[key], $"{path}[\"{key}\"]");
                }

                return;
            case IList list:
                var otherList = Assert.IsAssignableFrom<IList>(actual);
                Assert.True(list.Count == otherList.Count, $"{path}: expected {list.Count} items, got {otherList.Count}");
                for (var i = 0; i < list.Count; i++)
                {
                    DeepEqual(list[i], otherList[i], $"{path}[{i}]");
                }

                return;
            default:
                // Numbers must keep their CLR type too: status 200 is an int, not a long.
                Assert.True(expected.Equals(actual), $"{path}: expected {expected} ({expected.GetType().Name}), got {actual} ({actual?.GetType().Name})");
                return;
        }
    }
}
