using AsgiBridge.Server;

namespace AsgiBridge.Tests.Http;

/// <summary>
/// The send queue's hand-over when a call queues while the sender leaves: the queued call must always get its turn. A
/// lost hand-over hangs the application's <c>send</c> for ever (seen once as a hung parity test of overlapping sends).
/// </summary>
public sealed class SendQueueRaceTests
{
    [Fact]
    public async Task A_call_queued_while_the_sender_leaves_always_gets_its_turn()
    {
        var rounds = await RaceAsync(queue => queue.TryQueue(1, maxWaiting: 16, maxWaitingBytes: 1 << 20), TimeSpan.FromSeconds(3));

        Assert.True(rounds > 100, $"only {rounds} rounds ran");
    }

    [Fact]
    public async Task An_exclusive_entry_queued_while_the_sender_leaves_always_gets_its_turn()
    {
        await RaceAsync(queue => queue.EnterExclusiveAsync(), TimeSpan.FromSeconds(2));
    }

    /// <summary>
    /// Round after round, the sender leaves while another call queues, both released together by a barrier, so that the
    /// queuing call passes between the sender's checks as often as the machine allows. Returns the number of rounds.
    /// </summary>
    private static async Task<int> RaceAsync(Func<SendQueue, Task?> enqueue, TimeSpan duration)
    {
        var queue = new SendQueue();
        var deadline = DateTime.UtcNow + duration;
        var rounds = 0;
        using var start = new Barrier(2);
        while (DateTime.UtcNow < deadline)
        {
            Assert.True(queue.TryEnter());
            var leaving = Task.Run(() =>
            {
                start.SignalAndWait();
                queue.Exit();
            });
            start.SignalAndWait();
            var turn = enqueue(queue);
            await leaving;

            Assert.NotNull(turn);
            Assert.True(await Task.WhenAny(turn, Task.Delay(TimeSpan.FromSeconds(10))) == turn, $"round {rounds}: the queued call never got its turn");
            Assert.True(queue.IsHeld);
            queue.Exit();
            Assert.False(queue.IsHeld);
            Assert.Equal(0, queue.WaitingCount);
            rounds++;
        }

        return rounds;
    }
}
