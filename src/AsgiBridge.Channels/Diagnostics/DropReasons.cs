namespace AsgiBridge.Channels.Diagnostics;

/// <summary>The <c>reason</c> tag values of <c>asgi.channels.messages.dropped</c>.</summary>
internal static class DropReasons
{
    public const string Full = "full";
    public const string Expired = "expired";
    public const string NoChannel = "no_channel";
    public const string BrokerUnavailable = "broker_unavailable";
    public const string Malformed = "malformed";
}
