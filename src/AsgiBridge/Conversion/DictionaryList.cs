using System.Collections;
using System.Runtime.CompilerServices;

namespace AsgiBridge.Conversion;

/// <summary>
/// A read-only view over anything the dictionary form accepts as a list (Python lists and tuples): an
/// <see cref="IList"/> (arrays, <see cref="List{T}"/>), a value tuple (<see cref="ITuple"/>), or, copied once, any
/// other sequence. Byte strings, text and dictionaries are never lists.
/// </summary>
internal readonly struct DictionaryList
{
    private readonly IList? _list;
    private readonly ITuple? _tuple;

    private DictionaryList(IList? list, ITuple? tuple)
    {
        _list = list;
        _tuple = tuple;
    }

    /// <summary>The number of items.</summary>
    public int Count => _list?.Count ?? _tuple!.Length;

    /// <summary>The item at <paramref name="index"/>.</summary>
    /// <param name="index">The position.</param>
    public object? this[int index] => _list is not null ? _list[index] : _tuple![index];

    /// <summary>Views <paramref name="value"/> as a list when the dictionary form treats it as one.</summary>
    /// <param name="value">The value.</param>
    /// <param name="list">The view.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is a list.</returns>
    public static bool TryCreate(object? value, out DictionaryList list)
    {
        switch (value)
        {
            case null or string or byte[] or ArraySegment<byte> or IDictionary:
                list = default;
                return false;
            case IList items:
                list = new DictionaryList(items, null);
                return true;
            case ITuple tuple:
                list = new DictionaryList(null, tuple);
                return true;
            case IEnumerable sequence when !DictionaryValueReader.IsDictionary(value):
                var copy = new List<object?>();
                foreach (var item in sequence)
                {
                    copy.Add(item);
                }

                list = new DictionaryList(copy, null);
                return true;
            default:
                list = default;
                return false;
        }
    }
}
