using AsgiBridge.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AsgiBridge.Toolkit;

/// <summary>
/// The local fan-out of a chat room, dashboard or feed: WebSocket connections join with their <c>send</c> (or an
/// <see cref="AsgiWebSocket"/>), and <see cref="Broadcast(WebSocketSend, WebSocketRoomMember?)"/> hands one message to
/// every member without waiting for any of them. Each member has a bounded outbound queue and one pump that writes it to
/// the socket in order, so a slow member never stalls the others or the broadcaster; a member whose queue is full is
/// dropped and closed with <see cref="WebSocketRoomOptions.OverflowCloseCode"/>, counted, and logged at most once per
/// <see cref="WebSocketRoomOptions.DropLogInterval"/>.
/// </summary>
/// <remarks>
/// The room spans one process. For rooms across instances, pair it with the channel layer (AsgiBridge.Channels): each
/// instance keeps one room per group and one channel in that group, and forwards what the channel receives to
/// <see cref="Broadcast(WebSocketSend, string?)"/>; the group send is the one cross-instance hop, the room the local fan-out.
/// </remarks>
public sealed class WebSocketRoom
{
    private readonly Lock _gate = new();
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly int _capacity;
    private readonly int _overflowCloseCode;
    private readonly long _dropLogTicks;
    private WebSocketRoomMember[] _members = [];
    private long _overflowDrops;
    private long _dropsSinceLog;
    private long _lastDropLog;

    /// <summary>Creates an empty room.</summary>
    /// <param name="name">The room's name, for logs.</param>
    /// <param name="options">Queue size, overflow close code and log interval; defaults otherwise.</param>
    /// <param name="logger">Where drops and failures are logged; nowhere by default.</param>
    /// <param name="timeProvider">The clock of the log rate limit; the system clock by default.</param>
    public WebSocketRoom(string name, WebSocketRoomOptions? options = null, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        options ??= new WebSocketRoomOptions();
        options.Validate();
        Name = name;
        _capacity = options.MaxQueuedMessages;
        _overflowCloseCode = options.OverflowCloseCode;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _dropLogTicks = (long)(options.DropLogInterval.TotalSeconds * _time.TimestampFrequency);
        _lastDropLog = _time.GetTimestamp() - _dropLogTicks;
    }

    /// <summary>The room's name.</summary>
    public string Name { get; }

    /// <summary>How many members the room has.</summary>
    public int Count => Volatile.Read(ref _members).Length;

    /// <summary>The members, as a snapshot.</summary>
    public IReadOnlyList<WebSocketRoomMember> Members => Volatile.Read(ref _members);

    /// <summary>How many members were dropped because their outbound queue was full, since the room was created.</summary>
    public long OverflowDropCount => Interlocked.Read(ref _overflowDrops);

    /// <summary>Adds a connection by its ASGI <c>send</c>; from now on only the member's pump should send on it.</summary>
    /// <param name="send">The connection's send callable (its WebSocket accepted).</param>
    /// <param name="id">A unique id for the member (to exclude it by id); a random one by default.</param>
    /// <returns>The member: dispose it (or call <see cref="WebSocketRoomMember.Leave"/>) when the connection ends.</returns>
    public WebSocketRoomMember Join(AsgiSend send, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(send);
        var member = new WebSocketRoomMember(this, send, id ?? NewId(), _capacity);
        lock (_gate)
        {
            _members = [.. _members, member];
        }

        member.Start();
        return member;
    }

    /// <summary>Adds an accepted <see cref="AsgiWebSocket"/> session; the member's pump sends through the session.</summary>
    /// <param name="socket">The session, accepted.</param>
    /// <param name="id">A unique id for the member; a random one by default.</param>
    /// <returns>The member.</returns>
    public WebSocketRoomMember Join(AsgiWebSocket socket, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (socket.State != AsgiWebSocketState.Connected)
        {
            throw new InvalidOperationException($"Only an accepted WebSocket can join a room; this one is {socket.State}.");
        }

        return Join(message => message switch
        {
            WebSocketSend { Text: { } text } => new ValueTask(socket.SendTextAsync(text)),
            WebSocketSend data => new ValueTask(socket.SendBytesAsync(data.Bytes!.Value)),
            WebSocketClose close => new ValueTask(socket.CloseAsync(close.Code, close.Reason)),
            _ => ValueTask.FromException(new ArgumentException($"A room sends only websocket.send and websocket.close, not {message.Type}.", nameof(message))),
        }, id);
    }

    /// <summary>Queues a text message for every member except <paramref name="except"/> (the seed's typing notice skips its sender).</summary>
    /// <param name="text">The text.</param>
    /// <param name="except">A member to skip, or <see langword="null"/>.</param>
    /// <returns>How many members the message was queued for.</returns>
    public int Broadcast(string text, WebSocketRoomMember? except = null) => Broadcast(WebSocketSend.FromText(text), except);

    /// <summary>
    /// Queues <paramref name="message"/> for every member except <paramref name="except"/>, without waiting: the one message
    /// object is shared by every queue. A member whose queue is full is dropped (see <see cref="WebSocketRoomLeaveReason.Overflow"/>).
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="except">A member to skip, or <see langword="null"/>.</param>
    /// <returns>How many members the message was queued for.</returns>
    public int Broadcast(WebSocketSend message, WebSocketRoomMember? except = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var queued = 0;
        foreach (var member in Volatile.Read(ref _members))
        {
            if (!ReferenceEquals(member, except) && member.Offer(message))
            {
                queued++;
            }
        }

        return queued;
    }

    /// <summary>
    /// Queues <paramref name="message"/> for every member whose <see cref="WebSocketRoomMember.Id"/> is not
    /// <paramref name="exceptMemberId"/>: the form for messages that arrive from another instance, which name the sender by id.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="exceptMemberId">The id of a member to skip, or <see langword="null"/>.</param>
    /// <returns>How many members the message was queued for.</returns>
    public int Broadcast(WebSocketSend message, string? exceptMemberId)
    {
        ArgumentNullException.ThrowIfNull(message);
        var queued = 0;
        foreach (var member in Volatile.Read(ref _members))
        {
            if (!string.Equals(member.Id, exceptMemberId, StringComparison.Ordinal) && member.Offer(message))
            {
                queued++;
            }
        }

        return queued;
    }

    /// <summary>Removes a member from the list (once); called by the member when it leaves for any reason.</summary>
    internal void Remove(WebSocketRoomMember member, WebSocketRoomLeaveReason reason)
    {
        int remaining;
        lock (_gate)
        {
            var index = Array.IndexOf(_members, member);
            if (index < 0)
            {
                return;
            }

            var next = new WebSocketRoomMember[_members.Length - 1];
            Array.Copy(_members, next, index);
            Array.Copy(_members, index + 1, next, index, next.Length - index);
            _members = next;
            remaining = next.Length;
        }

        ToolkitLog.RoomMemberLeft(_logger, Name, member.Id, reason, remaining);
        if (reason == WebSocketRoomLeaveReason.Overflow)
        {
            CountOverflow();
        }
    }

    internal int OverflowCloseCode => _overflowCloseCode;

    internal void ReportSendFailure(WebSocketRoomMember member, Exception exception) => ToolkitLog.RoomMemberSendFailed(_logger, Name, member.Id, exception);

    /// <summary>Counts a drop and logs the drops since the last line, at most once per interval (a storm writes one line, not thousands).</summary>
    private void CountOverflow()
    {
        Interlocked.Increment(ref _overflowDrops);
        Interlocked.Increment(ref _dropsSinceLog);
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastDropLog);
        if (now - last >= _dropLogTicks && Interlocked.CompareExchange(ref _lastDropLog, now, last) == last)
        {
            ToolkitLog.RoomMembersDropped(_logger, Name, Interlocked.Exchange(ref _dropsSinceLog, 0), _capacity, _overflowCloseCode);
        }
    }

    private static string NewId() => Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.NextInt64()));
}
