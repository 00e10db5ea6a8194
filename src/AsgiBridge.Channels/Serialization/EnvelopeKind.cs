namespace AsgiBridge.Channels.Serialization;

/// <summary>What a broker message is addressed to.</summary>
internal enum EnvelopeKind
{
    /// <summary>One channel of the receiving instance.</summary>
    Channel = 0,

    /// <summary>Every member of a group on the receiving instance.</summary>
    Group = 1,
}
