using AsgiBridge.Messages;
using AsgiBridge.Testing;

namespace AsgiBridge.Toolkit.Tests;

/// <summary>
/// The application's end of an <see cref="AsgiCommunicator"/>, for toolkit objects the test drives itself
/// (<c>AsgiRequest</c>, <c>AsgiWebSocket</c>): the communicator's application only hands its receive and send over and
/// then waits until the test is done; the communicator queues the input and records what is sent.
/// </summary>
internal sealed class ApplicationSide : IAsyncDisposable
{
    private readonly TaskCompletionSource _done;

    private ApplicationSide(AsgiCommunicator communicator, AsgiReceive receive, AsgiSend send, TaskCompletionSource done)
    {
        Communicator = communicator;
        Receive = receive;
        Send = send;
        _done = done;
    }

    public AsgiCommunicator Communicator { get; }

    public AsgiReceive Receive { get; }

    public AsgiSend Send { get; }

    /// <summary>Starts the communicator with <paramref name="input"/> queued and takes over its application's end.</summary>
    public static async Task<ApplicationSide> StartAsync(AsgiScope scope, params AsgiMessage[] input)
    {
        var handedOver = new TaskCompletionSource<(AsgiReceive, AsgiSend)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var communicator = new AsgiCommunicator((_, receive, send) =>
        {
            handedOver.SetResult((receive, send));

            // Returning now would end the communicator's output; the test keeps using receive and send.
            return done.Task;
        }, scope);
        foreach (var message in input)
        {
            await communicator.SendInputAsync(message);
        }

        var (receive, send) = await handedOver.Task.WaitAsync(Asgi.Timeout);
        return new ApplicationSide(communicator, receive, send, done);
    }

    public async ValueTask DisposeAsync()
    {
        _done.TrySetResult();
        await Communicator.DisposeAsync();
    }
}
