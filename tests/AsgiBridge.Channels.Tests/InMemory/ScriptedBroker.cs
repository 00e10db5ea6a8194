using AsgiBridge.Channels.Broker;

namespace AsgiBridge.Channels.Tests.InMemory;

/// <summary>A broker whose connectivity the test scripts: it records what was published and refuses publishes while down.</summary>
internal sealed class ScriptedBroker : IChannelLayerBroker
{
    private IChannelLayerBrokerCallbacks? _callbacks;

    public bool Up { get; private set; } = true;

    public int Published { get; private set; }

    public List<string> Subscribed { get; } = [];

    public string Name => "scripted";

    public ValueTask StartAsync(string instanceId, IChannelLayerBrokerCallbacks callbacks, CancellationToken cancellationToken)
    {
        _callbacks = callbacks;
        return ValueTask.CompletedTask;
    }

    public void GoDown()
    {
        Up = false;
        _callbacks!.OnConnectionLost(new IOException("connection reset"));
    }

    public void ComeBack()
    {
        Up = true;
        _callbacks!.OnConnectionRestored();
    }

    public void Deliver(ReadOnlySpan<byte> payload) => _callbacks!.OnMessage(payload);

    public ValueTask SubscribeGroupAsync(string group, CancellationToken cancellationToken)
    {
        Subscribed.Add(group);
        return ValueTask.CompletedTask;
    }

    public ValueTask UnsubscribeGroupAsync(string group, CancellationToken cancellationToken)
    {
        Subscribed.Remove(group);
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> PublishToGroupAsync(string group, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) => Publish();

    public ValueTask<bool> PublishToInstanceAsync(string instanceId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) => Publish();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private ValueTask<bool> Publish()
    {
        if (Up)
        {
            Published++;
        }

        return ValueTask.FromResult(Up);
    }
}
