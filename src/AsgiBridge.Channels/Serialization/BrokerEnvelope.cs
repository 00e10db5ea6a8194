using System.Buffers;

namespace AsgiBridge.Channels.Serialization;

/// <summary>
/// A message as it crosses the broker: the MessagePack array <c>[version, kind, origin instance, target, message]</c>.
/// The origin lets an instance skip its own group sends coming back (it delivered to its members already); the target is a
/// channel name or a group name. Expiry is not carried: the receiving instance stamps arrival time, so clocks of different
/// machines never have to agree.
/// </summary>
internal readonly record struct BrokerEnvelope(EnvelopeKind Kind, string Origin, string Target, ChannelMessage Message)
{
    private const int Version = 1;

    public void WriteTo(IBufferWriter<byte> output)
    {
        MessagePackWriter.WriteArrayHeader(output, 5);
        MessagePackWriter.WriteInteger(output, Version);
        MessagePackWriter.WriteInteger(output, (int)Kind);
        MessagePackWriter.WriteString(output, Origin);
        MessagePackWriter.WriteString(output, Target);
        MessagePackWriter.WriteMap(output, Message);
    }

    /// <summary>Decodes an envelope.</summary>
    /// <exception cref="InvalidDataException">The bytes are not an envelope of this version.</exception>
    public static BrokerEnvelope Read(ReadOnlySpan<byte> payload)
    {
        var reader = new MessagePackReader(payload);
        if (reader.ReadArrayHeader() != 5 || reader.ReadInteger() != Version)
        {
            throw new InvalidDataException("Not a channel-layer envelope of version 1.");
        }

        var kind = reader.ReadInteger() switch
        {
            0 => EnvelopeKind.Channel,
            1 => EnvelopeKind.Group,
            _ => throw new InvalidDataException("Unknown envelope kind."),
        };
        var origin = reader.ReadString();
        var target = reader.ReadString();
        var fields = reader.ReadMapValue();
        if (!fields.TryGetValue(ChannelMessage.TypeKey, out var type) || type is not string { Length: > 0 } || !reader.End)
        {
            throw new InvalidDataException("The message has no string 'type', or bytes follow it.");
        }

        return new BrokerEnvelope(kind, origin, target, ChannelMessage.FromFrozen(fields));
    }
}
