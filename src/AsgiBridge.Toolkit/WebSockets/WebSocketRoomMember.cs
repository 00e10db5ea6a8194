using System.Threading.Channels;
using AsgiBridge.Messages;

namespace AsgiBridge.Toolkit;

/// <summary>
/// One connection in a <see cref="WebSocketRoom"/>: a bounded outbound queue and the pump that writes it to the socket in
/// order, one send at a time. Broadcasts and <see cref="TrySend(WebSocketSend)"/> only queue; the pump is the connection's one sender.
/// </summary>
public sealed class WebSocketRoomMember : IAsyncDisposable
{
    private readonly WebSocketRoom _room;
    private readonly AsgiSend _send;
    private readonly Channel<WebSocketSend> _queue;
    private Task _pump = Task.CompletedTask;
    private int _leaveReason = -1;

    internal WebSocketRoomMember(WebSocketRoom room, AsgiSend send, string id, int capacity)
    {
        _room = room;
        _send = send;
        Id = id;
        _queue = Channel.CreateBounded<WebSocketSend>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of waiting: the member is dropped.
        });
    }

    /// <summary>The member's id, unique in its room (pass it to <see cref="WebSocketRoom.Broadcast(WebSocketSend, string?)"/> to skip it).</summary>
    public string Id { get; }

    /// <summary>The room.</summary>
    public WebSocketRoom Room => _room;

    /// <summary>How many messages wait in the member's queue.</summary>
    public int QueuedCount => _queue.Reader.Count;

    /// <summary>Why the member left, or <see langword="null"/> while it is in the room.</summary>
    public WebSocketRoomLeaveReason? LeaveReason => Volatile.Read(ref _leaveReason) is var reason and >= 0 ? (WebSocketRoomLeaveReason)reason : null;

    /// <summary>Completes when the member has left and its pump has stopped (after the overflow close, for a dropped member).</summary>
    public Task Completion => _pump;

    /// <summary>Queues a message for this member alone, in order with the broadcasts (a reply to its own input).</summary>
    /// <param name="message">The message.</param>
    /// <returns><see langword="false"/> when the member has left, or was dropped because its queue was full.</returns>
    public bool TrySend(WebSocketSend message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Offer(message);
    }

    /// <summary>Queues a text message for this member alone.</summary>
    /// <param name="text">The text.</param>
    /// <returns><see langword="false"/> when the member has left or was dropped.</returns>
    public bool TrySend(string text) => Offer(WebSocketSend.FromText(text));

    /// <summary>Leaves the room: no more messages are queued, and those waiting are discarded (the pump finishes the one it is writing).</summary>
    public void Leave() => End(WebSocketRoomLeaveReason.Left);

    /// <summary>Leaves the room and waits for the pump to stop.</summary>
    /// <returns>A task that completes when the pump has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        Leave();
        await _pump.ConfigureAwait(false);
    }

    internal void Start() => _pump = PumpAsync();

    /// <summary>Queues a message without waiting; a full queue drops the member.</summary>
    internal bool Offer(WebSocketSend message)
    {
        if (_queue.Writer.TryWrite(message))
        {
            return true;
        }

        End(WebSocketRoomLeaveReason.Overflow);
        return false;
    }

    /// <summary>Leaves once, for the first reason: out of the room, the queue closed and emptied.</summary>
    private void End(WebSocketRoomLeaveReason reason)
    {
        if (Interlocked.CompareExchange(ref _leaveReason, (int)reason, -1) != -1)
        {
            return;
        }

        _room.Remove(this, reason);
        _queue.Writer.TryComplete();
        while (_queue.Reader.TryRead(out _))
        {
        }
    }

    private async Task PumpAsync()
    {
        // Off the joining caller's stack: the pump is a loop of its own.
        await Task.Yield();
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var message))
                {
                    await _send(message).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The client is gone (AsgiClientDisconnectedException is an IOException; a closed AsgiWebSocket refuses sends).
            End(WebSocketRoomLeaveReason.Disconnected);
            return;
        }
        catch (Exception ex)
        {
            End(WebSocketRoomLeaveReason.Failed);
            _room.ReportSendFailure(this, ex);
            return;
        }

        if (LeaveReason == WebSocketRoomLeaveReason.Overflow)
        {
            try
            {
                await _send(new WebSocketClose(_room.OverflowCloseCode, "room queue full")).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException)
            {
                // Gone meanwhile: nothing left to close.
            }
        }
    }
}
