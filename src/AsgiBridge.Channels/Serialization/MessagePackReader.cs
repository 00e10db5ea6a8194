using System.Buffers.Binary;
using System.Text;

namespace AsgiBridge.Channels.Serialization;

/// <summary>
/// Reads what <see cref="MessagePackWriter"/> writes (and the other integer and float widths of MessagePack), producing the
/// frozen, normalised values a <see cref="ChannelMessage"/> holds. Malformed input raises <see cref="InvalidDataException"/>.
/// </summary>
internal ref struct MessagePackReader(ReadOnlySpan<byte> input)
{
    private readonly ReadOnlySpan<byte> _input = input;
    private int _position;

    public readonly bool End => _position >= _input.Length;

    public object? ReadValue(int depth = 0)
    {
        if (depth > ChannelMessageValues.MaxDepth)
        {
            throw new InvalidDataException("The message nests too deeply.");
        }

        var code = ReadByte();
        switch (code)
        {
            case <= 0x7f:
                return (int)code;
            case >= 0xe0:
                return (int)(sbyte)code;
            case >= 0xa0 and <= 0xbf:
                return ReadUtf8(code & 0x1f);
            case >= 0x90 and <= 0x9f:
                return ReadList(code & 0x0f, depth);
            case >= 0x80 and <= 0x8f:
                return ReadMap(code & 0x0f, depth).AsReadOnly();
        }

        return code switch
        {
            0xc0 => null,
            0xc2 => ChannelMessageValues.Box(false),
            0xc3 => ChannelMessageValues.Box(true),
            0xc4 => ReadBytes(ReadByte()),
            0xc5 => ReadBytes(BinaryPrimitives.ReadUInt16BigEndian(Take(2))),
            0xc6 => ReadBytes(ReadLength32()),
            0xca => (double)BinaryPrimitives.ReadSingleBigEndian(Take(4)),
            0xcb => BinaryPrimitives.ReadDoubleBigEndian(Take(8)),
            0xcc => (int)ReadByte(),
            0xcd => (int)BinaryPrimitives.ReadUInt16BigEndian(Take(2)),
            0xce => ChannelMessageValues.Freeze(BinaryPrimitives.ReadUInt32BigEndian(Take(4)), "(value)"),
            0xcf => ReadUInt64(),
            0xd0 => (int)(sbyte)ReadByte(),
            0xd1 => (int)BinaryPrimitives.ReadInt16BigEndian(Take(2)),
            0xd2 => BinaryPrimitives.ReadInt32BigEndian(Take(4)),
            0xd3 => ChannelMessageValues.Freeze(BinaryPrimitives.ReadInt64BigEndian(Take(8)), "(value)"),
            0xd9 => ReadUtf8(ReadByte()),
            0xda => ReadUtf8(BinaryPrimitives.ReadUInt16BigEndian(Take(2))),
            0xdb => ReadUtf8(ReadLength32()),
            0xdc => ReadList(BinaryPrimitives.ReadUInt16BigEndian(Take(2)), depth),
            0xdd => ReadList(ReadLength32(), depth),
            0xde => ReadMap(BinaryPrimitives.ReadUInt16BigEndian(Take(2)), depth).AsReadOnly(),
            0xdf => ReadMap(ReadLength32(), depth).AsReadOnly(),
            _ => throw new InvalidDataException($"Unsupported MessagePack code 0x{code:x2}."),
        };
    }

    /// <summary>Reads a map header and its entries into a fresh dictionary (the top level of a message).</summary>
    public Dictionary<string, object?> ReadMapValue(int depth = 0)
    {
        var code = ReadByte();
        var count = code switch
        {
            >= 0x80 and <= 0x8f => code & 0x0f,
            0xde => BinaryPrimitives.ReadUInt16BigEndian(Take(2)),
            0xdf => ReadLength32(),
            _ => throw new InvalidDataException("Expected a map."),
        };
        return ReadMap(count, depth);
    }

    public int ReadArrayHeader()
    {
        var code = ReadByte();
        return code switch
        {
            >= 0x90 and <= 0x9f => code & 0x0f,
            0xdc => BinaryPrimitives.ReadUInt16BigEndian(Take(2)),
            0xdd => ReadLength32(),
            _ => throw new InvalidDataException("Expected an array."),
        };
    }

    public string ReadString() => ReadValue() as string ?? throw new InvalidDataException("Expected a string.");

    public long ReadInteger() => ReadValue() switch
    {
        int i => i,
        long l => l,
        _ => throw new InvalidDataException("Expected an integer."),
    };

    private Dictionary<string, object?> ReadMap(int count, int depth)
    {
        CheckCount(count, minimumBytesEach: 2);
        var map = new Dictionary<string, object?>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var key = ReadValue(depth + 1) as string ?? throw new InvalidDataException("Map keys must be strings.");
            map[key] = ReadValue(depth + 1);
        }

        return map;
    }

    private System.Collections.ObjectModel.ReadOnlyCollection<object?> ReadList(int count, int depth)
    {
        CheckCount(count, minimumBytesEach: 1);
        var list = new object?[count];
        for (var i = 0; i < count; i++)
        {
            list[i] = ReadValue(depth + 1);
        }

        return Array.AsReadOnly(list);
    }

    private object ReadUInt64()
    {
        var value = BinaryPrimitives.ReadUInt64BigEndian(Take(8));
        return value <= long.MaxValue
            ? ChannelMessageValues.Freeze((long)value, "(value)")!
            : throw new InvalidDataException("An integer is outside the signed 64-bit range.");
    }

    private string ReadUtf8(int length) => Encoding.UTF8.GetString(Take(length));

    private byte[] ReadBytes(int length) => Take(length).ToArray();

    private int ReadLength32()
    {
        var length = BinaryPrimitives.ReadUInt32BigEndian(Take(4));
        return length <= int.MaxValue ? (int)length : throw new InvalidDataException("A length is out of range.");
    }

    // A declared count can never exceed what the remaining bytes could hold: stops a forged header from allocating.
    private readonly void CheckCount(int count, int minimumBytesEach)
    {
        if ((long)count * minimumBytesEach > _input.Length - _position)
        {
            throw new InvalidDataException("A count is larger than the message.");
        }
    }

    private byte ReadByte()
    {
        if (_position >= _input.Length)
        {
            throw new InvalidDataException("The message ends early.");
        }

        return _input[_position++];
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        if (length < 0 || length > _input.Length - _position)
        {
            throw new InvalidDataException("The message ends early.");
        }

        var span = _input.Slice(_position, length);
        _position += length;
        return span;
    }
}
