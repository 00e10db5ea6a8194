using Microsoft.Extensions.Logging;

namespace AsgiBridge.Channels.Nats.Diagnostics;

/// <summary>The NATS broker's log messages, event ids 260–279 (the layer itself logs each outage once, event 201).</summary>
internal static partial class NatsBrokerLog
{
    /// <summary>The logger category.</summary>
    public const string Category = "AsgiBridge.Channels.Nats";

    [LoggerMessage(260, LogLevel.Information, "Connecting the channel layer to NATS at {Url} (prefix {Prefix}).", EventName = "NatsConnecting")]
    public static partial void Connecting(ILogger logger, string url, string prefix);

    [LoggerMessage(261, LogLevel.Debug, "NATS connection lost: {Reason}", EventName = "NatsDisconnected")]
    public static partial void Disconnected(ILogger logger, string reason);

    [LoggerMessage(262, LogLevel.Debug, "NATS connection open: {Reason}", EventName = "NatsConnected")]
    public static partial void Connected(ILogger logger, string reason);

    [LoggerMessage(263, LogLevel.Debug, "Subscribing to NATS subject {Subject} failed; it is retried when the connection is back.", EventName = "NatsSubscribeDeferred")]
    public static partial void SubscribeDeferred(ILogger logger, string subject, Exception exception);

    [LoggerMessage(264, LogLevel.Debug, "Publishing to NATS subject {Subject} failed.", EventName = "NatsPublishFailed")]
    public static partial void PublishFailed(ILogger logger, string subject, Exception exception);

    [LoggerMessage(265, LogLevel.Warning, "The NATS subscription to {Subject} stopped unexpectedly.", EventName = "NatsSubscriptionStopped")]
    public static partial void SubscriptionStopped(ILogger logger, string subject, Exception exception);
}
