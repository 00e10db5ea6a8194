using AsgiBridge.Lifespan;
using AsgiBridge.Messages;

namespace AsgiBridge.Tests.Lifespan;

public sealed class LifespanChannelTests
{
    [Fact]
    public async Task Receive_yields_startup_then_waits_for_shutdown_then_refuses()
    {
        var channel = new LifespanChannel();
        Assert.Same(LifespanStartup.Instance, await channel.Receive());
        var shutdown = channel.Receive();
        Assert.False(shutdown.IsCompleted);

        channel.DeliverShutdown();
        Assert.Same(LifespanShutdown.Instance, await shutdown);
        var error = await Assert.ThrowsAsync<AsgiProtocolException>(async () => await channel.Receive());
        Assert.Contains("after lifespan.shutdown", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_startup_answer_is_a_protocol_error()
    {
        var channel = new LifespanChannel();
        await channel.Send(LifespanStartupComplete.Instance);

        var error = await Assert.ThrowsAsync<AsgiProtocolException>(async () => await channel.Send(new LifespanStartupFailed("late")));
        Assert.Equal("lifespan.startup.failed", error.MessageType);
        Assert.Contains("already answered with 'lifespan.startup.complete'", error.Message, StringComparison.Ordinal);
        Assert.IsType<LifespanStartupComplete>(await channel.StartupReply);
    }

    [Fact]
    public async Task A_second_shutdown_complete_is_a_protocol_error()
    {
        var channel = new LifespanChannel();
        await channel.Send(LifespanStartupComplete.Instance);
        channel.DeliverShutdown();
        await channel.Send(LifespanShutdownComplete.Instance);

        var error = await Assert.ThrowsAsync<AsgiProtocolException>(async () => await channel.Send(LifespanShutdownComplete.Instance));
        Assert.Contains("already answered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shutdown_answers_before_startup_completed_or_before_shutdown_was_delivered_are_protocol_errors()
    {
        var channel = new LifespanChannel();
        var beforeStartup = await Assert.ThrowsAsync<AsgiProtocolException>(async () => await channel.Send(LifespanShutdownComplete.Instance));
        Assert.Contains("before lifespan.startup.complete", beforeStartup.Message, StringComparison.Ordinal);

        await channel.Send(LifespanStartupComplete.Instance);
        var beforeShutdown = await Assert.ThrowsAsync<AsgiProtocolException>(async () => await channel.Send(new LifespanShutdownFailed("x")));
        Assert.Contains("before the server delivered lifespan.shutdown", beforeShutdown.Message, StringComparison.Ordinal);
        Assert.False(channel.ShutdownReply.IsCompleted);
    }

    [Fact]
    public async Task Messages_of_other_protocols_are_protocol_errors()
    {
        var channel = new LifespanChannel();
        var error = await Assert.ThrowsAsync<AsgiProtocolException>(async () => await channel.Send(new HttpResponseBody()));
        Assert.Equal("http.response.body", error.MessageType);
        Assert.False(channel.StartupReply.IsCompleted);
    }
}
