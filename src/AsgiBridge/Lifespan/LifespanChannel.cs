using AsgiBridge.Messages;

namespace AsgiBridge.Lifespan;

/// <summary>
/// The <c>receive</c>/<c>send</c> pair of one lifespan scope. <c>receive</c> yields <c>lifespan.startup</c> first and
/// <c>lifespan.shutdown</c> once the server delivers it; <c>send</c> accepts each reply once, in order, and raises
/// <see cref="AsgiProtocolException"/> for anything else.
/// </summary>
internal sealed class LifespanChannel
{
    private readonly TaskCompletionSource<AsgiMessage> _shutdown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<AsgiMessage> _startupReply = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<AsgiMessage> _shutdownReply = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _receives;

    public LifespanChannel()
    {
        Receive = ReceiveCore;
        Send = SendCore;
    }

    /// <summary>The application's <c>receive</c>.</summary>
    public AsgiReceive Receive { get; }

    /// <summary>The application's <c>send</c>.</summary>
    public AsgiSend Send { get; }

    /// <summary>Completes with <c>lifespan.startup.complete</c> or <c>lifespan.startup.failed</c>.</summary>
    public Task<AsgiMessage> StartupReply => _startupReply.Task;

    /// <summary>Completes with <c>lifespan.shutdown.complete</c> or <c>lifespan.shutdown.failed</c>.</summary>
    public Task<AsgiMessage> ShutdownReply => _shutdownReply.Task;

    /// <summary>Whether <c>lifespan.shutdown</c> has been delivered.</summary>
    public bool ShutdownDelivered => _shutdown.Task.IsCompleted;

    /// <summary>Makes <c>lifespan.shutdown</c> the next event <c>receive</c> yields.</summary>
    public void DeliverShutdown() => _shutdown.TrySetResult(LifespanShutdown.Instance);

    private ValueTask<AsgiMessage> ReceiveCore()
    {
        switch (Interlocked.Increment(ref _receives))
        {
            case 1:
                return new ValueTask<AsgiMessage>(LifespanStartup.Instance);
            case 2:
                return new ValueTask<AsgiMessage>(_shutdown.Task);
            default:
                return ValueTask.FromException<AsgiMessage>(new AsgiProtocolException(
                    "receive() was called after lifespan.shutdown: the lifespan scope has no further events."));
        }
    }

    private ValueTask SendCore(AsgiMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        switch (message)
        {
            case LifespanStartupComplete or LifespanStartupFailed:
                if (!_startupReply.TrySetResult(message))
                {
                    throw new AsgiProtocolException(message.Type, null,
                        $"lifespan.startup was already answered with '{_startupReply.Task.Result.Type}'; it is answered once.");
                }

                break;
            case LifespanShutdownComplete or LifespanShutdownFailed:
                if (_startupReply.Task is not { IsCompleted: true, Result: LifespanStartupComplete })
                {
                    throw new AsgiProtocolException(message.Type, null, "sent before lifespan.startup.complete.");
                }

                if (!ShutdownDelivered)
                {
                    throw new AsgiProtocolException(message.Type, null, "sent before the server delivered lifespan.shutdown.");
                }

                if (!_shutdownReply.TrySetResult(message))
                {
                    throw new AsgiProtocolException(message.Type, null,
                        $"lifespan.shutdown was already answered with '{_shutdownReply.Task.Result.Type}'; it is answered once.");
                }

                break;
            default:
                throw new AsgiProtocolException(message.Type, null,
                    "is not valid on a lifespan scope; send lifespan.startup.complete/failed or lifespan.shutdown.complete/failed.");
        }

        return ValueTask.CompletedTask;
    }
}
