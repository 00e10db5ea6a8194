using AsgiBridge.Composition;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AsgiBridge.Channels.Tests.Hosting;

public sealed class RegistrationTests
{
    [Fact]
    public async Task AddAsgiChannelLayer_registers_one_in_memory_layer_with_its_options_and_a_hosted_service()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddAsgiChannelLayer(o => o.Capacity = 7);
        await using var provider = services.BuildServiceProvider();

        var layer = provider.GetRequiredService<IAsgiChannelLayer>();
        Assert.Same(layer, provider.GetRequiredService<AsgiChannelLayer>());
        Assert.Equal("in-memory", ((AsgiChannelLayer)layer).Backend);
        Assert.Contains(provider.GetServices<IHostedService>(), s => s.GetType().Name == "ChannelLayerHostedService");

        var channel = await layer.NewChannelAsync();
        for (var i = 0; i < 7; i++)
        {
            await layer.SendAsync(channel, new ChannelMessage("m"));
        }

        await Assert.ThrowsAsync<ChannelFullException>(async () => await layer.SendAsync(channel, new ChannelMessage("m")));
    }

    [Theory]
    [InlineData(null, "in-memory")]
    [InlineData("127.0.0.1:1", "redis")]
    public async Task UseRedisWhenConfigured_follows_ConnectionStrings_Redis(string? connectionString, string backend)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(connectionString is null ? [] : [new("ConnectionStrings:Redis", connectionString)])
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddAsgiChannelLayer().UseRedisWhenConfigured();
        await using var provider = services.BuildServiceProvider();

        Assert.Equal(backend, provider.GetRequiredService<AsgiChannelLayer>().Backend);
    }

    [Theory]
    [InlineData(null, "in-memory")]
    [InlineData("nats://127.0.0.1:1", "nats")]
    public async Task UseNatsWhenConfigured_follows_ConnectionStrings_Nats(string? url, string backend)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(url is null ? [] : [new("ConnectionStrings:Nats", url)])
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddAsgiChannelLayer().UseNatsWhenConfigured();
        await using var provider = services.BuildServiceProvider();

        Assert.Equal(backend, provider.GetRequiredService<AsgiChannelLayer>().Backend);
    }

    [Fact]
    public async Task UseChannelLayer_puts_the_layer_into_a_copy_of_the_scope()
    {
        var services = new ServiceCollection();
        services.AddAsgiChannelLayer();
        await using var provider = services.BuildServiceProvider();
        IAsgiChannelLayer? seen = null;
        var app = new AsgiPipelineBuilder(provider)
            .UseChannelLayer()
            .Run((scope, receive, send) =>
            {
                seen = scope.GetChannelLayer();
                Assert.Same(seen, scope["channel_layer"]);
                return Task.CompletedTask;
            })
            .Build();
        var original = new WebSocketScope();

        await app(original, () => throw new InvalidOperationException(), _ => throw new InvalidOperationException());

        Assert.Same(provider.GetRequiredService<IAsgiChannelLayer>(), seen);
        Assert.False(original.ContainsKey("channel_layer"));
        Assert.False(original.TryGetChannelLayer(out _));
        Assert.Contains("UseChannelLayer", Assert.Throws<InvalidOperationException>(() => original.GetChannelLayer()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddGroupPresence_registers_a_presence_counter_that_the_host_starts()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAsgiChannelLayer().AddGroupPresence();
        using var host = builder.Build();
        await host.StartAsync();

        var presence = host.Services.GetRequiredService<AsgiBridge.Channels.Presence.GroupPresence>();
        Assert.Equal(1, await presence.JoinedAsync("room"));   // throws unless the host started it
        await host.StopAsync();
    }

    [Fact]
    public void UseChannelLayer_without_a_registered_layer_says_what_to_add()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new AsgiPipelineBuilder().UseChannelLayer());
        Assert.Contains("AddAsgiChannelLayer", error.Message, StringComparison.Ordinal);
    }
}
