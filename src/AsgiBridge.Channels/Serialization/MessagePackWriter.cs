using System.Buffers;
using System.Buffers.Binary;
using System.Collections;
using System.Text;

namespace AsgiBridge.Channels.Serialization;

/// <summary>
/// Writes the MessagePack subset a channel message needs (nil, booleans, integers, float64, str, bin, array, map), the
/// encoding channels_redis uses too. Values are expected frozen by <see cref="ChannelMessageValues"/>.
/// </summary>
internal static class MessagePackWriter
{
    public static void WriteValue(IBufferWriter<byte> output, object? value)
    {
        switch (value)
        {
            case null:
                WriteByte(output, 0xc0);
                break;
            case bool b:
                WriteByte(output, b ? (byte)0xc3 : (byte)0xc2);
                break;
            case int i:
                WriteInteger(output, i);
                break;
            case long l:
                WriteInteger(output, l);
                break;
            case double d:
                var span = output.GetSpan(9);
                span[0] = 0xcb;
                BinaryPrimitives.WriteDoubleBigEndian(span[1..], d);
                output.Advance(9);
                break;
            case string s:
                WriteString(output, s);
                break;
            case byte[] bytes:
                WriteHeader(output, bytes.Length, 0xc4, 0xc5, 0xc6, fixBase: -1, fixMax: -1);
                output.Write(bytes);
                break;
            case IReadOnlyDictionary<string, object?> map:
                WriteMap(output, map);
                break;
            case IReadOnlyList<object?> list:
                WriteHeader(output, list.Count, 0, 0xdc, 0xdd, fixBase: 0x90, fixMax: 15);
                for (var i = 0; i < list.Count; i++)
                {
                    WriteValue(output, list[i]);
                }

                break;
            case IEnumerable:
            default:
                throw new InvalidChannelMessageException("(value)", $"values of type {value.GetType().FullName} cannot be serialized.");
        }
    }

    public static void WriteMap(IBufferWriter<byte> output, IReadOnlyDictionary<string, object?> map)
    {
        WriteHeader(output, map.Count, 0, 0xde, 0xdf, fixBase: 0x80, fixMax: 15);
        if (map is ChannelMessage message)
        {
            // The message's own dictionary: a struct enumerator, no boxing.
            foreach (var (key, item) in message.Fields)
            {
                WriteString(output, key);
                WriteValue(output, item);
            }

            return;
        }

        foreach (var (key, item) in map)
        {
            WriteString(output, key);
            WriteValue(output, item);
        }
    }

    public static void WriteString(IBufferWriter<byte> output, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteHeader(output, length, 0xd9, 0xda, 0xdb, fixBase: 0xa0, fixMax: 31);
        var written = Encoding.UTF8.GetBytes(value, output.GetSpan(length));
        output.Advance(written);
    }

    public static void WriteInteger(IBufferWriter<byte> output, long value)
    {
        if (value is >= 0 and <= 0x7f)
        {
            WriteByte(output, (byte)value);
        }
        else if (value is < 0 and >= -32)
        {
            WriteByte(output, unchecked((byte)value));
        }
        else if (value is >= int.MinValue and <= int.MaxValue)
        {
            var span = output.GetSpan(5);
            span[0] = 0xd2;
            BinaryPrimitives.WriteInt32BigEndian(span[1..], (int)value);
            output.Advance(5);
        }
        else
        {
            var span = output.GetSpan(9);
            span[0] = 0xd3;
            BinaryPrimitives.WriteInt64BigEndian(span[1..], value);
            output.Advance(9);
        }
    }

    public static void WriteArrayHeader(IBufferWriter<byte> output, int count) =>
        WriteHeader(output, count, 0, 0xdc, 0xdd, fixBase: 0x90, fixMax: 15);

    private static void WriteByte(IBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    // A length header: the fix form when there is one and the length fits, else the 8-bit (when the family has one),
    // 16-bit or 32-bit form.
    private static void WriteHeader(IBufferWriter<byte> output, int length, byte code8, byte code16, byte code32, int fixBase, int fixMax)
    {
        var span = output.GetSpan(5);
        if (fixBase >= 0 && length <= fixMax)
        {
            span[0] = (byte)(fixBase | length);
            output.Advance(1);
        }
        else if (code8 != 0 && length <= byte.MaxValue)
        {
            span[0] = code8;
            span[1] = (byte)length;
            output.Advance(2);
        }
        else if (length <= ushort.MaxValue)
        {
            span[0] = code16;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)length);
            output.Advance(3);
        }
        else
        {
            span[0] = code32;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)length);
            output.Advance(5);
        }
    }
}
