namespace AsgiBridge.TestInfrastructure.Brokers;

/// <summary>Debian's nats-server on 127.0.0.1, with its monitoring endpoint on a second loopback port.</summary>
public sealed class NatsServer : BrokerServer
{
    /// <summary>The monitoring port (<c>/varz</c> counts published messages).</summary>
    public int MonitoringPort { get; } = FreePort();

    /// <summary>The client URL.</summary>
    public string Url => $"nats://127.0.0.1:{Port}";

    protected override string Executable => "/usr/sbin/nats-server";

    protected override string DebianPackage => "nats-server";

    protected override string ReadyMarker => "Server is ready";

    protected override string Arguments => $"-a 127.0.0.1 -p {Port} -m {MonitoringPort}";
}
