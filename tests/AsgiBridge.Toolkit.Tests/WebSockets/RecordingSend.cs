using System.Collections.Concurrent;
using AsgiBridge.Messages;

namespace AsgiBridge.Toolkit.Tests.WebSockets;

/// <summary>
/// A member's <c>send</c> for room tests: records what it was given and, when <see cref="Hold"/> is set, blocks every send
/// until <see cref="Release"/> — a client that stopped reading, deterministically.
/// </summary>
internal sealed class RecordingSend
{
    private readonly ConcurrentQueue<AsgiMessage> _sent = new();
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _blocked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _arrivals = new(0);

    public bool Hold { get; init; }

    public Exception? Failure { get; init; }

    public IReadOnlyList<AsgiMessage> Sent => [.. _sent];

    public IReadOnlyList<string> Texts => [.. _sent.OfType<WebSocketSend>().Select(s => s.Text!)];

    /// <summary>Completes when a held send is blocked.</summary>
    public Task Blocked => _blocked.Task;

    public void Release() => _released.TrySetResult();

    public async ValueTask Send(AsgiMessage message)
    {
        if (Failure is { } failure)
        {
            throw failure;
        }

        if (Hold && !_released.Task.IsCompleted)
        {
            _blocked.TrySetResult();
            await _released.Task;
        }

        _sent.Enqueue(message);
        _arrivals.Release();
    }

    /// <summary>Waits until <paramref name="count"/> messages were sent in all.</summary>
    public async Task WaitForAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (_sent.Count < count)
        {
            await _arrivals.WaitAsync(timeout.Token);
        }
    }
}
