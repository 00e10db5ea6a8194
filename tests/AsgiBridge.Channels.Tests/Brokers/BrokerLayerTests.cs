using AsgiBridge.TestInfrastructure.Brokers;
using AsgiBridge.Channels.Broker;
using AsgiBridge.Channels.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AsgiBridge.Channels.Tests.Brokers;

/// <summary>
/// The channel layer on a real broker, with two instances (two layers, two broker connections) in each test: what one
/// instance sends reaches channels and group members of the other. Each test runs its own broker process on a free
/// loopback port; the Redis and NATS classes run the same tests.
/// </summary>
public abstract class BrokerLayerTests<TServer> : IAsyncLifetime
    where TServer : BrokerServer, new()
{
    private readonly List<AsgiChannelLayer> _layers = [];

    protected TServer Server { get; } = new();

    public Task InitializeAsync() => Server.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var layer in _layers)
        {
            await layer.DisposeAsync();
        }

        await Server.DisposeAsync();
    }

    [Fact]
    public async Task A_send_reaches_a_channel_of_the_other_instance()
    {
        var (a, b) = await TwoInstancesAsync();
        var channel = await b.NewChannelAsync();

        await a.SendAsync(channel, new ChannelMessage("chat.message") { ["text"] = "hi", ["n"] = 1 });
        await a.SendAsync(channel, new ChannelMessage("chat.message") { ["text"] = "again", ["n"] = 2 });

        var first = await b.ReceiveWithinAsync(channel);
        Assert.Equal("hi", first.GetString("text"));
        Assert.Equal(2, (await b.ReceiveWithinAsync(channel)).GetInt32("n"));   // in order
    }

    [Fact]
    public async Task A_group_named_like_an_instance_does_not_capture_sends_to_that_instance()
    {
        var (a, b) = await TwoInstancesAsync();
        var channel = await b.NewChannelAsync();

        await a.GroupSendAsync(b.InstanceId, new ChannelMessage("to.group"));   // a valid group name that is also B's id
        await a.SendAsync(channel, new ChannelMessage("to.channel"));

        Assert.Equal("to.channel", (await b.ReceiveWithinAsync(channel)).Type);
    }

    [Fact]
    public async Task A_group_send_reaches_members_on_both_instances_and_nothing_reaches_another_group()
    {
        var (a, b) = await TwoInstancesAsync();
        var onA = await a.NewChannelAsync();
        var onB = await b.NewChannelAsync();
        var otherRoomOnB = await b.NewChannelAsync();
        await a.GroupAddAsync("room.lobby", onA);
        await b.GroupAddAsync("room.lobby", onB);
        await b.GroupAddAsync("room.other", otherRoomOnB);

        await a.GroupSendAsync("room.lobby", new ChannelMessage("chat.message") { ["text"] = "hello" });

        Assert.Equal("hello", (await a.ReceiveWithinAsync(onA)).GetString("text"));
        Assert.Equal("hello", (await b.ReceiveWithinAsync(onB)).GetString("text"));
        // B has handled the lobby message (its lobby member has it): the other room's member must have nothing waiting.
        using var none = new CancellationTokenSource();
        await none.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await b.ReceiveAsync(otherRoomOnB, none.Token));
    }

    [Fact]
    public async Task A_group_send_is_one_broker_publish_for_members_on_both_instances()
    {
        var (a, b) = await TwoInstancesAsync();
        var members = new List<(AsgiChannelLayer Layer, string Channel)>();
        for (var i = 0; i < 10; i++)
        {
            var layer = i % 2 == 0 ? a : b;
            var channel = await layer.NewChannelAsync();
            await layer.GroupAddAsync("fanout", channel);
            members.Add((layer, channel));
        }

        var before = await PublishedCountAsync();
        await a.GroupSendAsync("fanout", new ChannelMessage("m"));
        foreach (var (layer, channel) in members)
        {
            Assert.Equal("m", (await layer.ReceiveWithinAsync(channel)).Type);
        }

        Assert.Equal(1, await PublishedCountAsync() - before);
    }

    [Fact]
    public async Task A_full_channel_on_the_other_instance_misses_messages_and_the_sender_never_waits()
    {
        using var meterB = new LayerMeter();
        var a = await InstanceAsync();
        var b = await InstanceAsync(o => o.Capacity = 2, meter: meterB);
        var channel = await b.NewChannelAsync();

        for (var i = 0; i < 5; i++)
        {
            await a.SendAsync(channel, new ChannelMessage("m") { ["n"] = i });   // never ChannelFull: the receiver is remote
        }

        await WaitUntilAsync(() => meterB.Total("asgi.channels.messages.dropped/full") == 3);   // all five have arrived
        Assert.Equal(0, (await b.ReceiveWithinAsync(channel)).GetInt32("n"));
        Assert.Equal(1, (await b.ReceiveWithinAsync(channel)).GetInt32("n"));
        await a.SendAsync(channel, new ChannelMessage("marker"));
        Assert.Equal("marker", (await b.ReceiveWithinAsync(channel)).Type);   // 2, 3 and 4 were dropped before it
    }

    [Fact]
    public async Task Memberships_expire_on_the_instance_that_keeps_them()
    {
        var clockB = LayerFactoryClock();
        var a = await InstanceAsync();
        var b = await InstanceAsync(o => { o.GroupExpiry = TimeSpan.FromSeconds(100); o.MessageExpiry = TimeSpan.FromHours(1); }, clockB);
        var lapsing = await b.NewChannelAsync();
        var renewed = await b.NewChannelAsync();
        await b.GroupAddAsync("g", lapsing);
        await b.GroupAddAsync("g", renewed);
        clockB.Advance(TimeSpan.FromSeconds(60));
        await b.GroupAddAsync("g", renewed);
        clockB.Advance(TimeSpan.FromSeconds(50));

        await a.GroupSendAsync("g", new ChannelMessage("after"));

        Assert.Equal("after", (await b.ReceiveWithinAsync(renewed)).Type);
        await a.SendAsync(lapsing, new ChannelMessage("marker"));
        Assert.Equal("marker", (await b.ReceiveWithinAsync(lapsing)).Type);
    }

    [Fact]
    public async Task Messages_expire_on_the_receiving_instance()
    {
        var clockB = LayerFactoryClock();
        using var meterB = new LayerMeter();
        var a = await InstanceAsync();
        var b = await InstanceAsync(o => o.MessageExpiry = TimeSpan.FromSeconds(60), clockB, meterB);
        var channel = await b.NewChannelAsync();
        await a.SendAsync(channel, new ChannelMessage("stale"));
        await a.SendAsync(channel, new ChannelMessage("fresh"));
        Assert.Equal("stale", (await b.ReceiveWithinAsync(channel)).Type);   // both have arrived (in order) once this is read

        await a.SendAsync(channel, new ChannelMessage("late"));
        await WaitUntilAsync(() => meterB.Total("asgi.channels.messages.delivered") == 3);
        clockB.Advance(TimeSpan.FromSeconds(61));
        await a.SendAsync(channel, new ChannelMessage("new"));

        Assert.Equal("new", (await b.ReceiveWithinAsync(channel)).Type);
        Assert.Equal(2, meterB.Total("asgi.channels.messages.dropped/expired"));
    }

    [Fact]
    public async Task When_the_broker_restarts_local_delivery_goes_on_the_outage_is_logged_once_and_cross_instance_delivery_resumes()
    {
        var logA = new TestLog();
        var logB = new TestLog();
        using var meterA = new LayerMeter();
        var a = await InstanceAsync(log: logA, meter: meterA);
        var b = await InstanceAsync(log: logB);
        var onA = await a.NewChannelAsync();
        var onB = await b.NewChannelAsync();
        await a.GroupAddAsync("room", onA);
        await b.GroupAddAsync("room", onB);
        await a.GroupSendAsync("room", new ChannelMessage("before"));
        Assert.Equal("before", (await b.ReceiveWithinAsync(onB)).Type);
        Assert.Equal("before", (await a.ReceiveWithinAsync(onA)).Type);

        await Server.KillAsync();
        await logA.WaitForAsync(201);
        await logB.WaitForAsync(201);
        for (var i = 0; i < 20; i++)
        {
            await a.GroupSendAsync("room", new ChannelMessage("during") { ["n"] = i });   // never throws, never waits for the broker
            Assert.Equal(i, (await a.ReceiveWithinAsync(onA)).GetInt32("n"));
        }

        Assert.Single(logA.WithEvent(201));
        Assert.True(meterA.Total("asgi.channels.messages.dropped/broker_unavailable") >= 20);

        await Server.StartAsync();
        var resumed = await PollUntilDeliveredAsync(a, b, "room", onB);
        Assert.Equal("probe", resumed.Type);
        await logA.WaitForAsync(202);
        await logB.WaitForAsync(202);
        Assert.Single(logA.WithEvent(201));
        Assert.Single(logB.WithEvent(201));

        var direct = await b.NewChannelAsync();
        await a.SendAsync(direct, new ChannelMessage("direct"));
        Assert.Equal("direct", (await b.ReceiveWithinAsync(direct)).Type);
    }

    [Fact]
    public async Task An_instance_started_before_its_broker_serves_locally_and_joins_in_when_the_broker_comes_up()
    {
        await Server.KillAsync();
        var logA = new TestLog();
        var a = await InstanceAsync(log: logA);
        var b = await InstanceAsync();
        await logA.WaitForAsync(201);
        var onA = await a.NewChannelAsync();
        var onB = await b.NewChannelAsync();
        await a.GroupAddAsync("room", onA);   // subscriptions wait for the broker
        await b.GroupAddAsync("room", onB);
        await a.GroupSendAsync("room", new ChannelMessage("local"));
        Assert.Equal("local", (await a.ReceiveWithinAsync(onA)).Type);

        await Server.StartAsync();

        Assert.Equal("probe", (await PollUntilDeliveredAsync(a, b, "room", onB)).Type);
        await logA.WaitForAsync(202);
    }

    /// <summary>Creates the broker connection of one instance (waiting at most a second for a first connection).</summary>
    protected abstract IChannelLayerBroker CreateBroker(TestLog? log);

    /// <summary>How many messages the broker has had published to it so far.</summary>
    protected abstract Task<long> PublishedCountAsync();

    private static FakeTimeProvider LayerFactoryClock() => new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    // Polling with a deadline is the one place a loop stands in for a signal: the broker's return is seen only by trying.
    private static Task<ChannelMessage> PollUntilDeliveredAsync(AsgiChannelLayer from, AsgiChannelLayer to, string group, string member) =>
        PollAsync(() => from.GroupSendAsync(group, new ChannelMessage("probe")), to, member);

    /// <summary>Sends probes to a channel of another instance until one arrives (at most 20 s).</summary>
    protected static Task<ChannelMessage> PollUntilDeliveredToChannelAsync(AsgiChannelLayer from, AsgiChannelLayer to, string channel) =>
        PollAsync(() => from.SendAsync(channel, new ChannelMessage("probe")), to, channel);

    private static async Task<ChannelMessage> PollAsync(Func<ValueTask> probe, AsgiChannelLayer to, string member)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            await probe();
            using var attempt = new CancellationTokenSource(TimeSpan.FromMilliseconds(250));
            try
            {
                return await to.ReceiveAsync(member, attempt.Token);
            }
            catch (OperationCanceledException)
            {
                // Not back yet.
            }
        }

        throw new TimeoutException("Cross-instance delivery did not start within 20 s.");
    }

    // For effects seen only in a counter (a message that arrived and was dropped): polled with a deadline.
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait.ForMessage;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
            await Task.Delay(10);
        }
    }

    private async Task<(AsgiChannelLayer A, AsgiChannelLayer B)> TwoInstancesAsync() => (await InstanceAsync(), await InstanceAsync());

    /// <summary>Starts one instance: a layer on its own broker connection (<see cref="CreateBroker"/> unless given one).</summary>
    protected async Task<AsgiChannelLayer> InstanceAsync(Action<ChannelLayerOptions>? configure = null, TimeProvider? time = null, LayerMeter? meter = null, TestLog? log = null,
        IChannelLayerBroker? broker = null, bool waitForBroker = true)
    {
        var options = new ChannelLayerOptions();
        configure?.Invoke(options);
        log ??= new TestLog();
        var layer = new AsgiChannelLayer(Options.Create(options), broker ?? CreateBroker(log), log, time, meter?.Factory);
        _layers.Add(layer);
        await layer.StartAsync();
        if (waitForBroker && Server.IsRunning && log.WithEvent(201).Count > 0)
        {
            // Not connected within the connect timeout (a loaded machine): a scenario that needs the broker waits for it,
            // or the first messages would be dropped by design (publishes fail fast while the broker is unreachable).
            await log.WaitForAsync(202);
        }

        return layer;
    }
}
