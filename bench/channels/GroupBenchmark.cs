using System.Diagnostics;
using AsgiBridge.Channels;

namespace ChannelsBench;

/// <summary>
/// One group of members spread over the given instances (round-robin), every member draining its channel in its own loop.
/// Throughput: a burst of group sends from the first instance, timed until every member has every message.
/// Latency: group sends at a fixed rate, each stamped with the send time; every delivery's delay is recorded.
/// </summary>
internal sealed class GroupBenchmark(IReadOnlyList<IAsgiChannelLayer> instances, int members)
{
    private const string Group = "bench.room";

    public async Task<(double DeliveriesPerSecond, long Dropped)> ThroughputAsync(int messages)
    {
        await using var run = await MembersAsync(expectedPerMember: messages, recordLatency: false);
        var sender = instances[0];
        var message = new ChannelMessage("bench.message") { ["text"] = "hello, room" };
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < messages; i++)
        {
            await sender.GroupSendAsync(Group, message);
        }

        await run.AllReceivedAsync(TimeSpan.FromSeconds(60));
        watch.Stop();
        return (run.Received / watch.Elapsed.TotalSeconds, (long)messages * members - run.Received);
    }

    public async Task<(double P50Ms, double P99Ms, long Samples)> LatencyAsync(int messages, int perSecond)
    {
        await using var run = await MembersAsync(expectedPerMember: messages, recordLatency: true);
        var sender = instances[0];
        var interval = TimeSpan.FromSeconds(1.0 / perSecond);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < messages; i++)
        {
            var due = start + (long)(interval.TotalSeconds * Stopwatch.Frequency * i);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            await sender.GroupSendAsync(Group, new ChannelMessage("bench.message") { ["sent"] = Stopwatch.GetTimestamp() });
        }

        await run.AllReceivedAsync(TimeSpan.FromSeconds(60));
        var latencies = run.LatenciesMs();
        Array.Sort(latencies);
        return (Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies.Length);
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private async Task<MemberRun> MembersAsync(int expectedPerMember, bool recordLatency)
    {
        var run = new MemberRun((long)expectedPerMember * members, recordLatency);
        for (var i = 0; i < members; i++)
        {
            var layer = instances[i % instances.Count];
            var channel = await AsgiChannel.OpenAsync(layer);
            await channel.JoinAsync(Group);
            run.Add(channel, expectedPerMember);
        }

        return run;
    }

    /// <summary>The members of one run and what they received.</summary>
    private sealed class MemberRun(long expected, bool recordLatency) : IAsyncDisposable
    {
        private readonly List<(AsgiChannel Channel, Task Loop)> _members = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly double[] _latencies = recordLatency ? new double[expected] : [];
        private long _received;

        public long Received => Interlocked.Read(ref _received);

        public void Add(AsgiChannel channel, int count) => _members.Add((channel, Task.Run(() => DrainAsync(channel, count))));

        public async Task AllReceivedAsync(TimeSpan timeout)
        {
            try
            {
                await _done.Task.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                // Reported as dropped deliveries.
            }
        }

        public double[] LatenciesMs() => _latencies.AsSpan(0, (int)Math.Min(Received, _latencies.Length)).ToArray();

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            foreach (var (channel, loop) in _members)
            {
                await loop;
                await channel.DisposeAsync();
            }

            _stop.Dispose();
        }

        private async Task DrainAsync(AsgiChannel channel, int count)
        {
            for (var i = 0; i < count; i++)
            {
                ChannelMessage message;
                try
                {
                    message = await channel.ReceiveAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                var index = Interlocked.Increment(ref _received) - 1;
                if (recordLatency && message.TryGetValue("sent", out var sent) && sent is long or int)
                {
                    _latencies[index] = Stopwatch.GetElapsedTime(Convert.ToInt64(sent, System.Globalization.CultureInfo.InvariantCulture)).TotalMilliseconds;
                }

                if (index + 1 == expected)
                {
                    _done.TrySetResult();
                }
            }
        }
    }
}
