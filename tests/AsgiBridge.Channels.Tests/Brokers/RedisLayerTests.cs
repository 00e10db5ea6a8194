using AsgiBridge.TestInfrastructure.Brokers;
using System.Globalization;
using AsgiBridge.Channels.Broker;
using AsgiBridge.Channels.Redis;
using AsgiBridge.Channels.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AsgiBridge.Channels.Tests.Brokers;

/// <summary>The shared broker tests on Debian's redis-server.</summary>
public sealed class RedisLayerTests : BrokerLayerTests<RedisServer>
{
    protected override IChannelLayerBroker CreateBroker(TestLog? log) =>
        new RedisChannelBroker(Options.Create(new RedisChannelBrokerOptions { ConnectionString = Server.ConnectionString, ConfigureConnection = c => c.ConnectTimeout = 1000 }), log);

    [Fact]
    public async Task An_instance_whose_first_connection_answers_late_subscribes_once_it_is_up()
    {
        // Reachable but slow at start (a loaded machine): the connect timeout passes before Redis's replies arrive, and
        // the connection then comes up without ever having been refused.
        var a = await InstanceAsync();
        await using var proxy = new HeldReplyProxy(Server.Port);
        var log = new TestLog();
        var slow = new RedisChannelBroker(Options.Create(new RedisChannelBrokerOptions
        {
            ConnectionString = $"127.0.0.1:{proxy.Port}",
            ConfigureConnection = c => c.ConnectTimeout = 300,
        }), log);
        var b = await InstanceAsync(log: log, broker: slow, waitForBroker: false);
        var channel = await b.NewChannelAsync();
        Assert.Single(log.WithEvent(201));   // reported as unreachable: publishes fail fast meanwhile

        proxy.Release();

        Assert.Equal("probe", (await PollUntilDeliveredToChannelAsync(a, b, channel)).Type);
        await log.WaitForAsync(202);
    }

    // Redis's own count of PUBLISH commands (INFO commandstats), read on a connection of the test's.
    protected override async Task<long> PublishedCountAsync()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Server.ConnectionString + ",allowAdmin=true");
        var info = await redis.GetServer(Server.ConnectionString).InfoRawAsync("commandstats") ?? string.Empty;
        var line = info.Split('\n').FirstOrDefault(l => l.StartsWith("cmdstat_publish:", StringComparison.Ordinal));
        if (line is null)
        {
            return 0;
        }

        var calls = line.Split(':')[1].Split(',').First(p => p.StartsWith("calls=", StringComparison.Ordinal));
        return long.Parse(calls["calls=".Length..], CultureInfo.InvariantCulture);
    }
}
