namespace AsgiBridge.TestInfrastructure.Brokers;

/// <summary>Debian's redis-server on 127.0.0.1, with no persistence.</summary>
public sealed class RedisServer : BrokerServer
{
    /// <summary>The StackExchange.Redis connection string.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    protected override string Executable => "/usr/bin/redis-server";

    protected override string DebianPackage => "redis-server";

    protected override string ReadyMarker => "Ready to accept connections";

    protected override string Arguments => $"--port {Port} --bind 127.0.0.1 --save \"\" --appendonly no --protected-mode yes";
}
