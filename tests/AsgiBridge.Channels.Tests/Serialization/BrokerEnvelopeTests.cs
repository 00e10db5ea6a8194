using System.Buffers;
using AsgiBridge.Channels.Serialization;

namespace AsgiBridge.Channels.Tests.Serialization;

public sealed class BrokerEnvelopeTests
{
    [Fact]
    public void Every_allowed_value_survives_the_round_trip()
    {
        var message = new ChannelMessage("all.types")
        {
            ["null"] = null,
            ["true"] = true,
            ["false"] = false,
            ["small"] = 7,
            ["negative"] = -5,
            ["int"] = -100_000,
            ["long"] = long.MinValue,
            ["double"] = 3.25,
            ["text"] = "héllo " + new string('x', 300),
            ["bytes"] = new byte[70_000],
            ["list"] = new List<object?> { 1, "two", null, new List<object?> { 3.5 } },
            ["map"] = new Dictionary<string, object?> { ["k"] = "v", ["n"] = new Dictionary<string, object?> { ["deep"] = true } },
        };
        var buffer = new ArrayBufferWriter<byte>();
        new BrokerEnvelope(EnvelopeKind.Group, "abc123", "room.lobby", message).WriteTo(buffer);

        var read = BrokerEnvelope.Read(buffer.WrittenSpan);

        Assert.Equal(EnvelopeKind.Group, read.Kind);
        Assert.Equal("abc123", read.Origin);
        Assert.Equal("room.lobby", read.Target);
        Assert.Equal(message.Count, read.Message.Count);
        Assert.Null(read.Message["null"]);
        Assert.True(read.Message.GetBoolean("true"));
        Assert.False(read.Message.GetBoolean("false"));
        Assert.Equal(7, read.Message.GetInt32("small"));
        Assert.Equal(-5, read.Message.GetInt32("negative"));
        Assert.Equal(-100_000, read.Message.GetInt32("int"));
        Assert.Equal(long.MinValue, read.Message.GetInt64("long"));
        Assert.Equal(3.25, read.Message.GetDouble("double"));
        Assert.Equal(message["text"], read.Message.GetString("text"));
        Assert.Equal(70_000, read.Message.GetBytes("bytes").Length);
        var list = Assert.IsAssignableFrom<IReadOnlyList<object?>>(read.Message["list"]);
        Assert.Equal([1, "two", null], list.Take(3));
        Assert.Equal([3.5], Assert.IsAssignableFrom<IReadOnlyList<object?>>(list[3]));
        var map = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(read.Message["map"]);
        Assert.Equal("v", map["k"]);
        Assert.Equal(true, Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(map["n"])["deep"]);
    }

    [Fact]
    public void Malformed_bytes_raise_InvalidDataException_instead_of_allocating_or_crashing()
    {
        var buffer = new ArrayBufferWriter<byte>();
        new BrokerEnvelope(EnvelopeKind.Channel, "abc", "specific.abc!1", new ChannelMessage("t") { ["text"] = "hello" }).WriteTo(buffer);
        var bytes = buffer.WrittenSpan.ToArray();

        for (var length = 0; length < bytes.Length; length++)
        {
            var truncated = bytes[..length];
            Assert.Throws<InvalidDataException>(() => BrokerEnvelope.Read(truncated));
        }

        Assert.Throws<InvalidDataException>(() => BrokerEnvelope.Read([0x95, 0x01, 0x00, 0xa1, 0x61, 0xa1, 0x62, 0xdf, 0x7f, 0xff, 0xff, 0xff]));   // forged map count
        Assert.Throws<InvalidDataException>(() => BrokerEnvelope.Read([0x95, 0x02, 0x00, 0xa0, 0xa0, 0x80]));   // unknown version
        Assert.Throws<InvalidDataException>(() => BrokerEnvelope.Read([0x95, 0x01, 0x00, 0xa0, 0xa0, 0x80]));   // no type
    }
}
