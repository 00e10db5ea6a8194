using AsgiBridge.Channels.Tests.Infrastructure;

namespace AsgiBridge.Channels.Tests.InMemory;

public sealed class GroupTests
{
    [Fact]
    public async Task A_group_send_reaches_every_member_and_no_one_else()
    {
        await using var layer = LayerFactory.Create();
        var a = await layer.NewChannelAsync();
        var b = await layer.NewChannelAsync();
        var outsider = await layer.NewChannelAsync();
        await layer.GroupAddAsync("room.lobby", a);
        await layer.GroupAddAsync("room.lobby", b);
        await layer.GroupAddAsync("room.other", outsider);

        await layer.GroupSendAsync("room.lobby", new ChannelMessage("chat.message") { ["text"] = "hello" });
        await layer.GroupSendAsync("room.other", new ChannelMessage("marker"));

        Assert.Equal("hello", (await layer.ReceiveWithinAsync(a)).GetString("text"));
        Assert.Equal("hello", (await layer.ReceiveWithinAsync(b)).GetString("text"));
        Assert.Equal("marker", (await layer.ReceiveWithinAsync(outsider)).Type);   // first and only: the lobby message never came
    }

    [Fact]
    public async Task Adding_twice_delivers_once_and_discard_stops_delivery()
    {
        await using var layer = LayerFactory.Create();
        var a = await layer.NewChannelAsync();
        await layer.GroupAddAsync("g", a);
        await layer.GroupAddAsync("g", a);
        await layer.GroupSendAsync("g", new ChannelMessage("one"));
        await layer.GroupDiscardAsync("g", a);
        await layer.GroupDiscardAsync("g", a);   // not a member any more: no-op
        await layer.GroupSendAsync("g", new ChannelMessage("two"));
        await layer.SendAsync(a, new ChannelMessage("marker"));

        Assert.Equal("one", (await layer.ReceiveWithinAsync(a)).Type);
        Assert.Equal("marker", (await layer.ReceiveWithinAsync(a)).Type);
    }

    [Fact]
    public async Task Discarding_a_channel_removes_its_memberships()
    {
        await using var layer = LayerFactory.Create();
        var gone = await layer.NewChannelAsync();
        var stays = await layer.NewChannelAsync();
        await layer.GroupAddAsync("g", gone);
        await layer.GroupAddAsync("g", stays);
        await layer.DiscardChannelAsync(gone);

        await layer.GroupSendAsync("g", new ChannelMessage("m"));

        Assert.Equal("m", (await layer.ReceiveWithinAsync(stays)).Type);
        await Assert.ThrowsAsync<ArgumentException>(async () => await layer.GroupAddAsync("g", gone));
    }

    [Fact]
    public async Task A_slow_member_misses_messages_but_never_holds_up_the_others()
    {
        using var meter = new LayerMeter();
        var log = new TestLog();
        await using var layer = LayerFactory.Create(o => o.Capacity = 2, meter: meter, log: log);
        var slow = await layer.NewChannelAsync();
        var fast = await layer.NewChannelAsync();
        await layer.GroupAddAsync("g", slow);
        await layer.GroupAddAsync("g", fast);

        for (var i = 0; i < 10; i++)
        {
            await layer.GroupSendAsync("g", new ChannelMessage("m") { ["n"] = i });   // completes at once although 'slow' is full
            Assert.Equal(i, (await layer.ReceiveWithinAsync(fast)).GetInt32("n"));
        }

        Assert.Equal(0, (await layer.ReceiveWithinAsync(slow)).GetInt32("n"));
        Assert.Equal(1, (await layer.ReceiveWithinAsync(slow)).GetInt32("n"));
        Assert.Equal(8, meter.Total("asgi.channels.messages.dropped/full"));
        var report = Assert.Single(log.WithEvent(203));   // rate-limited: one line for the burst, not eight
        Assert.Contains(slow, report.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_group_send_to_a_thousand_members_shares_one_message_and_allocates_nothing_per_member()
    {
        await using var layer = LayerFactory.Create();
        var members = new string[1000];
        for (var i = 0; i < members.Length; i++)
        {
            members[i] = await layer.NewChannelAsync();
            await layer.GroupAddAsync("big", members[i]);
        }

        var message = new ChannelMessage("broadcast") { ["text"] = "hi" };
        await layer.GroupSendAsync("big", message);   // warm-up: queues grow their buffers once
        foreach (var member in members)
        {
            await layer.ReceiveWithinAsync(member);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        await layer.GroupSendAsync("big", message);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 1024, $"a group send to 1,000 members allocated {allocated} bytes");
        foreach (var member in members)
        {
            Assert.Same(message, await layer.ReceiveWithinAsync(member));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("room with spaces")]
    [InlineData("room/1")]
    [InlineData("café")]
    [InlineData("a!b")]
    public async Task Invalid_group_names_are_refused_with_the_rule(string group)
    {
        await using var layer = LayerFactory.Create();
        var channel = await layer.NewChannelAsync();
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await layer.GroupAddAsync(group, channel));
        Assert.Contains("not a valid group name", error.Message, StringComparison.Ordinal);
        Assert.False(ChannelNames.IsValidGroupName(group));
    }

    [Fact]
    public void ToGroupName_keeps_valid_text_readable_and_hashes_the_rest_without_collisions()
    {
        Assert.Equal("chat.r.lobby", ChannelNames.ToGroupName("lobby", "chat."));
        var spaced = ChannelNames.ToGroupName("room with spaces", "chat.");
        var unicode = ChannelNames.ToGroupName("café", "chat.");
        var longName = ChannelNames.ToGroupName(new string('x', 200), "chat.");
        foreach (var name in new[] { spaced, unicode, longName })
        {
            Assert.True(ChannelNames.IsValidGroupName(name), name);
            Assert.StartsWith("chat.h.", name, StringComparison.Ordinal);
        }

        Assert.NotEqual(spaced, unicode);
        Assert.Equal(spaced, ChannelNames.ToGroupName("room with spaces", "chat."));
        Assert.NotEqual(ChannelNames.ToGroupName(spaced[7..], "chat."), spaced);   // a readable name never equals a hashed one
        Assert.Throws<ArgumentException>(() => ChannelNames.ToGroupName("x", "bad prefix"));
    }
}
