using AsgiBridge.Channels.Tests.Infrastructure;

namespace AsgiBridge.Channels.Tests.InMemory;

public sealed class DeliveryTests
{
    [Fact]
    public async Task New_channel_names_are_process_local_and_owned_by_this_instance()
    {
        await using var layer = LayerFactory.Create();
        var first = await layer.NewChannelAsync();
        var second = await layer.NewChannelAsync("chat");

        Assert.StartsWith($"specific.{layer.InstanceId}!", first, StringComparison.Ordinal);
        Assert.StartsWith($"chat.{layer.InstanceId}!", second, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        Assert.True(ChannelNames.IsValidChannelName(first));
        Assert.True(ChannelNames.IsProcessLocal(first));
        Assert.Equal("in-memory", layer.Backend);
    }

    [Fact]
    public async Task Messages_arrive_in_the_order_sent()
    {
        await using var layer = LayerFactory.Create();
        var channel = await layer.NewChannelAsync();
        for (var i = 0; i < 5; i++)
        {
            await layer.SendAsync(channel, new ChannelMessage("test.message") { ["n"] = i });
        }

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(i, (await layer.ReceiveWithinAsync(channel)).GetInt32("n"));
        }
    }

    [Fact]
    public async Task A_waiting_receive_gets_a_later_send()
    {
        await using var layer = LayerFactory.Create();
        var channel = await layer.NewChannelAsync();
        var pending = layer.ReceiveAsync(channel, Wait.Token()).AsTask();
        Assert.False(pending.IsCompleted);

        await layer.SendAsync(channel, new Dictionary<string, object?> { ["type"] = "chat.message", ["text"] = "hi" });

        var message = await pending;
        Assert.Equal("chat.message", message.Type);
        Assert.Equal("hi", message["text"]);
    }

    [Fact]
    public async Task A_sent_dictionary_is_copied_so_later_changes_do_not_reach_the_receiver()
    {
        await using var layer = LayerFactory.Create();
        var channel = await layer.NewChannelAsync();
        var tags = new List<object?> { "a" };
        var bytes = new byte[] { 1, 2 };
        var source = new Dictionary<string, object?> { ["type"] = "t", ["tags"] = tags, ["bytes"] = bytes };
        await layer.SendAsync(channel, source);
        source["type"] = "changed";
        tags.Add("b");
        bytes[0] = 9;

        var message = await layer.ReceiveWithinAsync(channel);
        Assert.Equal("t", message.Type);
        Assert.Equal(["a"], Assert.IsAssignableFrom<IReadOnlyList<object?>>(message["tags"]));
        Assert.Equal(new byte[] { 1, 2 }, message.GetBytes("bytes"));
    }

    [Fact]
    public async Task A_full_channel_raises_ChannelFull_and_takes_messages_again_once_read()
    {
        using var meter = new LayerMeter();
        await using var layer = LayerFactory.Create(o => o.Capacity = 3, meter: meter);
        var channel = await layer.NewChannelAsync();
        for (var i = 0; i < 3; i++)
        {
            await layer.SendAsync(channel, new ChannelMessage("m") { ["n"] = i });
        }

        var full = await Assert.ThrowsAsync<ChannelFullException>(async () => await layer.SendAsync(channel, new ChannelMessage("m") { ["n"] = 3 }));
        Assert.Equal(channel, full.Channel);
        Assert.Equal(3, full.Capacity);
        Assert.Equal(1, meter.Total("asgi.channels.messages.dropped/full"));

        Assert.Equal(0, (await layer.ReceiveWithinAsync(channel)).GetInt32("n"));
        await layer.SendAsync(channel, new ChannelMessage("m") { ["n"] = 4 });
        var rest = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            rest.Add((await layer.ReceiveWithinAsync(channel)).GetInt32("n"));
        }

        Assert.Equal([1, 2, 4], rest);
    }

    [Fact]
    public async Task A_message_for_a_discarded_channel_is_dropped_without_an_error()
    {
        using var meter = new LayerMeter();
        await using var layer = LayerFactory.Create(meter: meter);
        var channel = await layer.NewChannelAsync();
        await layer.DiscardChannelAsync(channel);

        await layer.SendAsync(channel, new ChannelMessage("late"));

        Assert.Equal(1, meter.Total("asgi.channels.messages.dropped/no_channel"));
        var receive = await Assert.ThrowsAsync<ArgumentException>(async () => await layer.ReceiveAsync(channel));
        Assert.Contains("discarded", receive.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discarding_a_channel_ends_a_pending_receive()
    {
        await using var layer = LayerFactory.Create();
        var channel = await layer.NewChannelAsync();
        var pending = layer.ReceiveAsync(channel, Wait.Token()).AsTask();

        await layer.DiscardChannelAsync(channel);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => pending);
        Assert.Contains("discarded", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_a_receive_raises_OperationCanceled_and_keeps_the_channel()
    {
        await using var layer = LayerFactory.Create();
        var channel = await layer.NewChannelAsync();
        using var cancel = new CancellationTokenSource();
        var pending = layer.ReceiveAsync(channel, cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);

        await layer.SendAsync(channel, new ChannelMessage("after"));
        Assert.Equal("after", (await layer.ReceiveWithinAsync(channel)).Type);
    }

    [Fact]
    public async Task Only_process_local_channels_of_this_instance_can_be_received_from()
    {
        await using var layer = LayerFactory.Create();
        await using var other = LayerFactory.Create();
        var foreign = await other.NewChannelAsync();

        var notLocal = await Assert.ThrowsAsync<ArgumentException>(async () => await layer.SendAsync("worker-queue", new ChannelMessage("m")));
        Assert.Contains("process-local", notLocal.Message, StringComparison.Ordinal);
        var notOurs = await Assert.ThrowsAsync<ArgumentException>(async () => await layer.ReceiveAsync(foreign));
        Assert.Contains("another instance", notOurs.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(async () => await layer.GroupAddAsync("room", foreign));
        await Assert.ThrowsAsync<ArgumentException>(async () => await layer.SendAsync("bad name!x", new ChannelMessage("m")));
        await Assert.ThrowsAsync<ArgumentException>(async () => await layer.NewChannelAsync("bad prefix"));
    }

    [Fact]
    public async Task An_invalid_message_raises_before_anything_is_delivered_and_names_the_field()
    {
        await using var layer = LayerFactory.Create();
        var channel = await layer.NewChannelAsync();

        var noType = await Assert.ThrowsAsync<InvalidChannelMessageException>(async () => await layer.SendAsync(channel, new Dictionary<string, object?> { ["text"] = "x" }));
        Assert.Equal("type", noType.Field);
        var badValue = await Assert.ThrowsAsync<InvalidChannelMessageException>(async () => await layer.GroupSendAsync("room", new Dictionary<string, object?>
        {
            ["type"] = "t",
            ["user"] = new Dictionary<string, object?> { ["tags"] = new List<object?> { "ok", DateTime.UtcNow } },
        }));
        Assert.Equal("user.tags[1]", badValue.Field);
        Assert.Contains("System.DateTime", badValue.Message, StringComparison.Ordinal);

        await layer.SendAsync(channel, new ChannelMessage("marker"));
        Assert.Equal("marker", (await layer.ReceiveWithinAsync(channel)).Type);
    }
}
