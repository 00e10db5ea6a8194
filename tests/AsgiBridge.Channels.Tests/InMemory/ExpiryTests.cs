using AsgiBridge.Channels.Tests.Infrastructure;

namespace AsgiBridge.Channels.Tests.InMemory;

/// <summary>Message and membership expiry on a fake clock: no test waits for real time to pass.</summary>
public sealed class ExpiryTests
{
    [Fact]
    public async Task A_message_older_than_the_expiry_is_never_delivered()
    {
        var clock = LayerFactory.Clock();
        using var meter = new LayerMeter();
        await using var layer = LayerFactory.Create(o => o.MessageExpiry = TimeSpan.FromSeconds(60), clock, meter);
        var channel = await layer.NewChannelAsync();
        await layer.SendAsync(channel, new ChannelMessage("stale"));
        clock.Advance(TimeSpan.FromSeconds(61));
        await layer.SendAsync(channel, new ChannelMessage("fresh"));

        Assert.Equal("fresh", (await layer.ReceiveWithinAsync(channel)).Type);
        Assert.Equal(1, meter.Total("asgi.channels.messages.dropped/expired"));
    }

    [Fact]
    public async Task A_message_just_inside_the_expiry_is_delivered()
    {
        var clock = LayerFactory.Clock();
        await using var layer = LayerFactory.Create(o => o.MessageExpiry = TimeSpan.FromSeconds(60), clock);
        var channel = await layer.NewChannelAsync();
        await layer.SendAsync(channel, new ChannelMessage("kept"));
        clock.Advance(TimeSpan.FromSeconds(59));

        Assert.Equal("kept", (await layer.ReceiveWithinAsync(channel)).Type);
    }

    [Fact]
    public async Task Expired_messages_free_their_room_in_a_full_channel()
    {
        var clock = LayerFactory.Clock();
        await using var layer = LayerFactory.Create(o => { o.Capacity = 1; o.MessageExpiry = TimeSpan.FromSeconds(10); }, clock);
        var channel = await layer.NewChannelAsync();
        await layer.SendAsync(channel, new ChannelMessage("old"));
        await Assert.ThrowsAsync<ChannelFullException>(async () => await layer.SendAsync(channel, new ChannelMessage("refused")));
        clock.Advance(TimeSpan.FromSeconds(11));

        await layer.SendAsync(channel, new ChannelMessage("new"));   // the expired one makes room

        Assert.Equal("new", (await layer.ReceiveWithinAsync(channel)).Type);
    }

    [Fact]
    public async Task A_membership_lapses_after_the_group_expiry_unless_renewed()
    {
        var clock = LayerFactory.Clock();
        var log = new TestLog();
        await using var layer = LayerFactory.Create(o => { o.GroupExpiry = TimeSpan.FromSeconds(100); o.MessageExpiry = TimeSpan.FromHours(1); }, clock, log: log);
        var lapsing = await layer.NewChannelAsync();
        var renewed = await layer.NewChannelAsync();
        await layer.GroupAddAsync("g", lapsing);
        await layer.GroupAddAsync("g", renewed);
        clock.Advance(TimeSpan.FromSeconds(60));
        await layer.GroupAddAsync("g", renewed);   // group_add again renews
        clock.Advance(TimeSpan.FromSeconds(50));   // lapsing: 110 s old; renewed: 50 s

        await layer.GroupSendAsync("g", new ChannelMessage("after"));
        await layer.SendAsync(lapsing, new ChannelMessage("marker"));

        Assert.Equal("after", (await layer.ReceiveWithinAsync(renewed)).Type);
        Assert.Equal("marker", (await layer.ReceiveWithinAsync(lapsing)).Type);
        Assert.NotEmpty(log.WithEvent(208));   // the sweep (every GroupExpiry / 4 on the same clock) freed the lapsed membership
    }

    [Fact]
    public void Options_out_of_range_are_refused_with_their_name()
    {
        var capacity = Assert.Throws<ArgumentOutOfRangeException>(() => LayerFactory.Create(o => o.Capacity = 0));
        Assert.Equal("Capacity", capacity.ParamName);
        var expiry = Assert.Throws<ArgumentOutOfRangeException>(() => LayerFactory.Create(o => o.MessageExpiry = TimeSpan.Zero));
        Assert.Equal("MessageExpiry", expiry.ParamName);
        Assert.Throws<ArgumentException>(() => LayerFactory.Create(o => o.ChannelNamePrefix = "a b"));
    }
}
