using AsgiBridge.Channels.Local;

namespace AsgiBridge.Channels.Groups;

/// <summary>One channel's membership of a group on this instance, and when it expires unless renewed.</summary>
/// <param name="Channel">The member.</param>
/// <param name="ExpiresAt">The timestamp at which the membership lapses.</param>
internal readonly record struct GroupMember(LocalChannel Channel, long ExpiresAt);
