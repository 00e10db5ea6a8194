using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Logging;

namespace AsgiBridge.Toolkit.Tests.WebSockets;

/// <summary>
/// The room's fan-out with members whose sends are scripted: a deliberately slow member (its send blocks) never stalls the
/// broadcaster or the others; past its queue it is dropped and closed with the overflow code, counted and logged once per
/// interval; exclusion by member and by id; dead members leave; each member's messages keep their order.
/// </summary>
public sealed class WebSocketRoomTests
{
    [Fact]
    public async Task A_slow_member_stalls_neither_the_broadcaster_nor_the_others()
    {
        var room = new WebSocketRoom("lobby");
        var slow = new RecordingSend { Hold = true };
        var fast = new[] { new RecordingSend(), new RecordingSend() };
        room.Join(slow.Send);
        foreach (var member in fast)
        {
            room.Join(member.Send);
        }

        // The first message reaches the slow member's pump, which then blocks in its send.
        Assert.Equal(3, room.Broadcast("m0"));
        await slow.Blocked.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 1; i < 50; i++)
        {
            Assert.Equal(3, room.Broadcast($"m{i}")); // returns at once: nothing waits for the slow member
        }

        foreach (var member in fast)
        {
            await member.WaitForAsync(50);
            Assert.Equal(Enumerable.Range(0, 50).Select(i => $"m{i}"), member.Texts);
        }

        Assert.Empty(slow.Texts);
        Assert.Equal(49, room.Members[0].QueuedCount);

        // Released, the slow member catches up with everything, in order.
        slow.Release();
        await slow.WaitForAsync(50);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"m{i}"), slow.Texts);
        Assert.Equal(0, room.OverflowDropCount);
    }

    [Fact]
    public async Task A_member_whose_queue_is_full_is_dropped_closed_with_the_overflow_code_counted_and_logged_once()
    {
        var logs = new TestLogSink();
        var room = new WebSocketRoom("lobby", new WebSocketRoomOptions { MaxQueuedMessages = 4 }, logs.Logger("rooms"));
        var slow = new[] { new RecordingSend { Hold = true }, new RecordingSend { Hold = true } };
        var fast = new RecordingSend();
        var slowMembers = slow.Select(s => room.Join(s.Send)).ToArray();
        room.Join(fast.Send);

        room.Broadcast("m0");
        await Task.WhenAll(slow.Select(s => s.Blocked)).WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 1; i <= 10; i++)
        {
            // Paced by the fast member (a client that keeps up); the slow ones never take anything.
            room.Broadcast($"m{i}");
            await fast.WaitForAsync(i + 1);
        }

        // m1..m4 filled each slow queue; m5 dropped both. The fast member got everything.
        Assert.Equal(1, room.Count);
        Assert.Equal(2, room.OverflowDropCount);
        Assert.All(slowMembers, m => Assert.Equal(WebSocketRoomLeaveReason.Overflow, m.LeaveReason));
        Assert.False(slowMembers[0].TrySend("too late"));

        // One Warning line for the storm (the rate limit), naming the limit and the close code.
        var warning = Assert.Single(logs.Entries, e => e.EventId.Id == 100);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("full (4 messages", warning.Message, StringComparison.Ordinal);
        Assert.Contains("1008", warning.Message, StringComparison.Ordinal);

        // Once its blocked send returns, a dropped member's pump sends the close and nothing else.
        foreach (var (send, member) in slow.Zip(slowMembers))
        {
            send.Release();
            await member.Completion.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(["m0"], send.Texts);
            var close = Assert.IsType<WebSocketClose>(send.Sent[^1]);
            Assert.Equal(1008, close.Code);
            Assert.Equal("room queue full", close.Reason);
        }
    }

    [Fact]
    public async Task Drops_after_the_log_interval_write_a_new_line_with_the_count_since_the_last()
    {
        var logs = new TestLogSink();
        var clock = new ManualClock();
        var room = new WebSocketRoom("feed", new WebSocketRoomOptions { MaxQueuedMessages = 1, OverflowCloseCode = 1013 }, logs.Logger("rooms"), clock);

        async Task DropOneAsync()
        {
            var stuck = new RecordingSend { Hold = true };
            var member = room.Join(stuck.Send);
            member.TrySend("a");
            await stuck.Blocked.WaitAsync(TimeSpan.FromSeconds(30));
            member.TrySend("b");
            Assert.False(member.TrySend("c"));
            stuck.Release();
        }

        await DropOneAsync();
        await DropOneAsync();
        await DropOneAsync();
        Assert.Single(logs.Entries, e => e.EventId.Id == 100);
        clock.Advance(TimeSpan.FromSeconds(10));
        await DropOneAsync();

        var lines = logs.Entries.Where(e => e.EventId.Id == 100).ToArray();
        Assert.Equal(2, lines.Length);
        Assert.Equal(1L, lines[0].Values["Count"]);
        Assert.Equal(3L, lines[1].Values["Count"]);
        Assert.Equal(1013, lines[1].Values["CloseCode"]);
        Assert.Equal(4, room.OverflowDropCount);
    }

    [Fact]
    public async Task The_sender_can_be_excluded_by_member_or_by_id()
    {
        var room = new WebSocketRoom("r");
        var alice = new RecordingSend();
        var bob = new RecordingSend();
        var aliceMember = room.Join(alice.Send, "alice");
        room.Join(bob.Send, "bob");

        Assert.Equal(1, room.Broadcast("typing: alice", except: aliceMember));
        Assert.Equal(1, room.Broadcast(WebSocketSend.FromText("typing: bob"), exceptMemberId: "bob"));
        Assert.Equal(2, room.Broadcast("chat"));

        await alice.WaitForAsync(2);
        await bob.WaitForAsync(2);
        Assert.Equal(["typing: bob", "chat"], alice.Texts);
        Assert.Equal(["typing: alice", "chat"], bob.Texts);
    }

    [Fact]
    public async Task A_member_whose_client_is_gone_leaves_and_the_others_keep_receiving()
    {
        var room = new WebSocketRoom("r");
        var dead = room.Join(new RecordingSend { Failure = new AsgiClientDisconnectedException() }.Send);
        var alive = new RecordingSend();
        room.Join(alive.Send);

        room.Broadcast("hi");
        await dead.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(WebSocketRoomLeaveReason.Disconnected, dead.LeaveReason);
        Assert.Equal(1, room.Count);
        room.Broadcast("still here");
        await alive.WaitForAsync(2);
        Assert.Equal(["hi", "still here"], alive.Texts);
        Assert.Equal(0, room.OverflowDropCount);
    }

    [Fact]
    public async Task Replies_to_one_member_keep_their_order_with_the_broadcasts_and_leaving_stops_delivery()
    {
        var room = new WebSocketRoom("r");
        var send = new RecordingSend();
        var member = room.Join(send.Send);
        room.Broadcast("b1");
        Assert.True(member.TrySend("reply"));
        room.Broadcast("b2");
        await send.WaitForAsync(3);
        Assert.Equal(["b1", "reply", "b2"], send.Texts);

        await member.DisposeAsync();
        Assert.Equal(WebSocketRoomLeaveReason.Left, member.LeaveReason);
        Assert.Equal(0, room.Broadcast("after"));
        Assert.False(member.TrySend("after"));
        Assert.Equal(0, room.Count);
    }

    [Theory]
    [InlineData(0, 1008)]
    [InlineData(10, 1006)]
    [InlineData(10, 999)]
    public void Options_that_cannot_work_are_refused(int queue, int code) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new WebSocketRoom("r", new WebSocketRoomOptions { MaxQueuedMessages = queue, OverflowCloseCode = code }));

    private sealed class ManualClock : TimeProvider
    {
        private long _now = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _now);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _now, by.Ticks);
    }
}
