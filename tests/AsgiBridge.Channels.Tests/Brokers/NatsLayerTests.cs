using AsgiBridge.TestInfrastructure.Brokers;
using System.Net.Http.Json;
using System.Text.Json;
using AsgiBridge.Channels.Broker;
using AsgiBridge.Channels.Nats;
using AsgiBridge.Channels.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace AsgiBridge.Channels.Tests.Brokers;

/// <summary>The shared broker tests on Debian's nats-server.</summary>
public sealed class NatsLayerTests : BrokerLayerTests<NatsServer>
{
    private static readonly HttpClient s_monitor = new();

    protected override IChannelLayerBroker CreateBroker(TestLog? log) =>
        new NatsChannelBroker(Options.Create(new NatsChannelBrokerOptions { Url = Server.Url, InitialConnectWait = TimeSpan.FromSeconds(1) }), log);

    // The server's own count of messages published to it (/varz in_msgs).
    protected override async Task<long> PublishedCountAsync()
    {
        var varz = await s_monitor.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{Server.MonitoringPort}/varz");
        return varz.GetProperty("in_msgs").GetInt64();
    }
}
