using Microsoft.Extensions.Logging;

namespace AsgiBridge.Channels.Diagnostics;

/// <summary>
/// The channel layer's log messages, source-generated, with stable event ids 200–239 (the Redis package uses 240–259, the
/// NATS package 260–279). Outages are logged once each; drops are logged at most once per
/// <see cref="ChannelLayerOptions.DropLogInterval"/>, with the count since the last line.
/// </summary>
internal static partial class ChannelLayerLog
{
    /// <summary>The logger category of the channel layer.</summary>
    public const string Category = "AsgiBridge.Channels";

    [LoggerMessage(200, LogLevel.Information, "Channel layer instance {InstanceId} started on the {Backend} backend.", EventName = "ChannelLayerStarted")]
    public static partial void Started(ILogger logger, string instanceId, string backend);

    [LoggerMessage(201, LogLevel.Warning, "The {Broker} broker is unreachable: messages to other instances are dropped until it is back; local channels and groups keep working.", EventName = "BrokerUnavailable")]
    public static partial void BrokerUnavailable(ILogger logger, string broker, Exception? exception);

    [LoggerMessage(202, LogLevel.Information, "The {Broker} broker is reachable again after {OutageSeconds:0.0} s: messages to other instances flow again.", EventName = "BrokerRestored")]
    public static partial void BrokerRestored(ILogger logger, string broker, double outageSeconds);

    [LoggerMessage(203, LogLevel.Warning, "Dropped {Count} message(s) for full channels (capacity {Capacity}) since the last report; the latest was for {Channel}.", EventName = "MessagesDroppedChannelFull")]
    public static partial void DroppedChannelFull(ILogger logger, long count, int capacity, string channel);

    [LoggerMessage(204, LogLevel.Warning, "Could not publish {Count} message(s) to the {Broker} broker since the last report; other instances missed them.", EventName = "BrokerPublishFailed")]
    public static partial void PublishFailed(ILogger logger, long count, string broker, Exception? exception);

    [LoggerMessage(205, LogLevel.Warning, "Ignored {Count} broker message(s) that could not be decoded since the last report.", EventName = "BrokerMessageMalformed")]
    public static partial void Malformed(ILogger logger, long count, Exception exception);

    [LoggerMessage(206, LogLevel.Debug, "Dropped a message for channel {Channel}: it does not exist on this instance (discarded, or never made here).", EventName = "MessageForUnknownChannel")]
    public static partial void UnknownChannel(ILogger logger, string channel);

    [LoggerMessage(207, LogLevel.Warning, "Subscribing to or unsubscribing from group {Group} on the {Broker} broker failed.", EventName = "BrokerSubscriptionFailed")]
    public static partial void SubscriptionFailed(ILogger logger, string group, string broker, Exception exception);

    [LoggerMessage(208, LogLevel.Debug, "Removed {Count} lapsed group membership(s).", EventName = "GroupMembershipsExpired")]
    public static partial void MembershipsExpired(ILogger logger, int count);
}
