using System.Diagnostics.CodeAnalysis;
using AsgiBridge;
using AsgiBridge.Messages;

namespace ChatDemo;

/// <summary>
/// One member of a room. Broadcasts come from other members' tasks, so sends to the same WebSocket are serialised
/// here: ASGI allows one <c>send</c> at a time per connection.
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "Other members' broadcasts may still hold this connection after it left; the semaphore never allocates a wait handle, so it is left to the GC.")]
public sealed class ChatConnection(AsgiSend send)
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    /// <summary>The name the member last used in a message, for logs.</summary>
    public string? User { get; set; }

    /// <summary>Sends one text message; returns <see langword="false"/> when the connection is dead.</summary>
    /// <param name="text">The message.</param>
    /// <returns>Whether the message was handed to the connection.</returns>
    public async Task<bool> TrySendAsync(string text)
    {
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await send(WebSocketSend.FromText(text)).ConfigureAwait(false);
            return true;
        }
        catch (IOException)
        {
            // AsgiClientDisconnectedException (an IOException): the member is gone.
            return false;
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
