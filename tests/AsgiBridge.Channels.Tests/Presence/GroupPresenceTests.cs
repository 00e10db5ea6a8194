using AsgiBridge.TestInfrastructure.Brokers;
using AsgiBridge.Channels.Presence;
using AsgiBridge.Channels.Redis;
using AsgiBridge.Channels.Tests.Infrastructure;
using AsgiBridge.Channels.Tests.InMemory;
using Microsoft.Extensions.Options;

namespace AsgiBridge.Channels.Tests.Presence;

/// <summary>Member counts across two instances on Redis; each wait is on the <see cref="GroupPresence.Changed"/> signal.</summary>
public sealed class GroupPresenceTests : IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private readonly List<IAsyncDisposable> _owned = [];

    public Task InitializeAsync() => _redis.StartAsync();

    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task On_one_instance_the_count_follows_joins_and_leaves()
    {
        await using var layer = LayerFactory.Create();
        await using var presence = new GroupPresence(layer);
        await presence.StartAsync();

        Assert.Equal(1, await presence.JoinedAsync("room"));
        Assert.Equal(2, await presence.JoinedAsync("room"));
        Assert.Equal(1, await presence.LeftAsync("room"));
        Assert.Equal(0, await presence.LeftAsync("room"));
        Assert.Equal(0, presence.Count("room"));
    }

    [Fact]
    public async Task Counts_add_up_across_instances_and_a_silent_instance_is_forgotten()
    {
        var clockA = LayerFactory.Clock();
        var a = await PresenceAsync(clockA);
        var b = await PresenceAsync(LayerFactory.Clock());

        await a.JoinedAsync("room");
        await a.JoinedAsync("room");
        var heardByB = NextChange(b, "room");
        var heardByA = NextChange(a, "room");
        await b.JoinedAsync("room");   // B asks; A answers with its 2
        await heardByB;
        await heardByA;

        Assert.Equal(3, a.Count("room"));
        Assert.Equal(3, b.Count("room"));
        Assert.Equal(1, await b.JoinedAsync("other"));   // another group: counted apart

        var bLeft = NextChange(a, "room");
        await b.LeftAsync("room");
        await bLeft;
        Assert.Equal(2, a.Count("room"));

        var bBack = NextChange(a, "room");
        await b.JoinedAsync("room");
        await bBack;
        Assert.Equal(3, a.Count("room"));
        clockA.Advance(TimeSpan.FromSeconds(31));   // B's refreshes run on its own clock, which stands still: A forgets it
        Assert.Equal(2, a.Count("room"));
    }

    private static Task NextChange(GroupPresence presence, string group)
    {
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        presence.Changed += g =>
        {
            if (g == group)
            {
                changed.TrySetResult();
            }
        };
        return changed.Task.WaitAsync(Wait.ForMessage);
    }

    private async Task<GroupPresence> PresenceAsync(TimeProvider clock)
    {
        var broker = new RedisChannelBroker(Options.Create(new RedisChannelBrokerOptions { ConnectionString = _redis.ConnectionString }));
        var layer = new AsgiChannelLayer(Options.Create(new ChannelLayerOptions()), broker);
        _owned.Add(layer);
        var presence = new GroupPresence(layer, clock);
        _owned.Add(presence);
        await presence.StartAsync();
        return presence;
    }
}
