using Microsoft.Extensions.Logging;

namespace AsgiBridge.Channels.Redis.Diagnostics;

/// <summary>The Redis broker's log messages, event ids 240–259 (the layer itself logs each outage once, event 201).</summary>
internal static partial class RedisBrokerLog
{
    /// <summary>The logger category.</summary>
    public const string Category = "AsgiBridge.Channels.Redis";

    [LoggerMessage(240, LogLevel.Information, "Connecting the channel layer to Redis at {Endpoints} (prefix {Prefix}).", EventName = "RedisConnecting")]
    public static partial void Connecting(ILogger logger, string endpoints, string prefix);

    [LoggerMessage(241, LogLevel.Debug, "Redis {ConnectionType} connection to {Endpoint} failed ({FailureType}).", EventName = "RedisConnectionFailed")]
    public static partial void ConnectionFailed(ILogger logger, string connectionType, string endpoint, string failureType);

    [LoggerMessage(242, LogLevel.Debug, "Redis {ConnectionType} connection to {Endpoint} restored.", EventName = "RedisConnectionRestored")]
    public static partial void ConnectionRestored(ILogger logger, string connectionType, string endpoint);

    [LoggerMessage(243, LogLevel.Debug, "Subscribing to Redis channel {Channel} failed; it is retried when the connection is back.", EventName = "RedisSubscribeDeferred")]
    public static partial void SubscribeDeferred(ILogger logger, string channel, Exception exception);

    [LoggerMessage(244, LogLevel.Debug, "Publishing to Redis channel {Channel} failed.", EventName = "RedisPublishFailed")]
    public static partial void PublishFailed(ILogger logger, string channel, Exception exception);
}
