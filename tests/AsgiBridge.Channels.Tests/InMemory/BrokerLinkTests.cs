using AsgiBridge.Channels.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace AsgiBridge.Channels.Tests.InMemory;

/// <summary>The layer's handling of a broker, on a scripted one: subscriptions follow membership, outages are logged once.</summary>
public sealed class BrokerLinkTests
{
    [Fact]
    public async Task The_broker_is_subscribed_to_a_group_while_it_has_local_members()
    {
        var broker = new ScriptedBroker();
        await using var layer = new AsgiChannelLayer(Options.Create(new ChannelLayerOptions()), broker);
        var a = await layer.NewChannelAsync();
        var b = await layer.NewChannelAsync();

        await layer.GroupAddAsync("g", a);
        await layer.GroupAddAsync("g", b);
        Assert.Equal(["g"], broker.Subscribed);
        await layer.GroupDiscardAsync("g", a);
        Assert.Equal(["g"], broker.Subscribed);
        await layer.DiscardChannelAsync(b);
        Assert.Empty(broker.Subscribed);
    }

    [Fact]
    public async Task A_group_send_is_one_publish_whatever_the_number_of_members()
    {
        var broker = new ScriptedBroker();
        await using var layer = new AsgiChannelLayer(Options.Create(new ChannelLayerOptions()), broker);
        for (var i = 0; i < 20; i++)
        {
            await layer.GroupAddAsync("g", await layer.NewChannelAsync());
        }

        await layer.GroupSendAsync("g", new ChannelMessage("m"));

        Assert.Equal(1, broker.Published);
    }

    [Fact]
    public async Task During_an_outage_local_members_are_served_and_the_outage_is_logged_once()
    {
        var broker = new ScriptedBroker();
        var log = new TestLog();
        using var meter = new LayerMeter();
        await using var layer = new AsgiChannelLayer(Options.Create(new ChannelLayerOptions()), broker, log, meterFactory: meter.Factory);
        var member = await layer.NewChannelAsync();
        await layer.GroupAddAsync("g", member);

        broker.GoDown();
        broker.GoDown();   // brokers may report each failed connection
        for (var i = 0; i < 20; i++)
        {
            await layer.GroupSendAsync("g", new ChannelMessage("m") { ["n"] = i });
            Assert.Equal(i, (await layer.ReceiveWithinAsync(member)).GetInt32("n"));
        }

        Assert.Single(log.WithEvent(201));
        Assert.Empty(log.WithEvent(204));   // no line per failed publish
        Assert.Equal(20, meter.Total("asgi.channels.messages.dropped/broker_unavailable"));

        broker.ComeBack();
        await layer.GroupSendAsync("g", new ChannelMessage("m"));
        Assert.Single(log.WithEvent(202));
        Assert.Equal(1, broker.Published);
    }

    [Fact]
    public async Task A_message_too_big_for_the_broker_fails_before_any_member_has_it()
    {
        var broker = new ScriptedBroker();
        await using var layer = new AsgiChannelLayer(Options.Create(new ChannelLayerOptions { MaxMessageBytes = 1024 }), broker);
        var member = await layer.NewChannelAsync();
        await layer.GroupAddAsync("g", member);

        var error = await Assert.ThrowsAsync<InvalidChannelMessageException>(async () => await layer.GroupSendAsync("g", new ChannelMessage("big") { ["blob"] = new byte[2048] }));
        Assert.Contains("MaxMessageBytes", error.Message, StringComparison.Ordinal);

        await layer.SendAsync(member, new ChannelMessage("marker"));
        Assert.Equal("marker", (await layer.ReceiveWithinAsync(member)).Type);
        Assert.Equal(0, broker.Published);
    }

    [Fact]
    public async Task Undecodable_broker_messages_are_dropped_and_counted()
    {
        var broker = new ScriptedBroker();
        var log = new TestLog();
        using var meter = new LayerMeter();
        await using var layer = new AsgiChannelLayer(Options.Create(new ChannelLayerOptions()), broker, log, meterFactory: meter.Factory);
        await layer.StartAsync();

        broker.Deliver([0x01, 0x02, 0x03]);
        broker.Deliver([0xc1]);

        Assert.Equal(2, meter.Total("asgi.channels.messages.dropped/malformed"));
        Assert.Single(log.WithEvent(205));
    }
}
