using System.Runtime.CompilerServices;
using System.Text;
using AsgiBridge.Messages;
using AsgiBridge.Testing;
using AsgiBridge.Toolkit;

namespace AsgiBridge.Toolkit.Tests.Middleware;

/// <summary>
/// Regression tests for the SSE encoder's shutdown (found while building the SseDemo example): when the client goes
/// away while the producer is waiting for its next event, the producer must be stopped and awaited before its
/// enumerator is disposed (disposing a pending async iterator throws NotSupportedException).
/// </summary>
public sealed class ServerSentEventsShutdownTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Client_gone_during_a_keep_alive_stops_the_waiting_producer_cleanly()
    {
        var producerStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async IAsyncEnumerable<ServerSentEvent> Produce([EnumeratorCancellation] CancellationToken token)
        {
            try
            {
                yield return new ServerSentEvent("first");
                await Task.Delay(System.Threading.Timeout.Infinite, token);
            }
            finally
            {
                producerStopped.TrySetResult();
            }
        }

        var sent = new List<string>();
        var response = new ServerSentEventsResponse(Produce, keepAliveInterval: TimeSpan.FromMilliseconds(20));
        await using var communicator = Asgi.Start(MiddlewareScopes.Http("/events"), client => (scope, receive, send) =>
            response.ExecuteAsync(scope, receive, async message =>
            {
                if (message is HttpResponseBody { Body.Length: > 0 } body)
                {
                    var text = Encoding.UTF8.GetString(body.Body.Span);
                    if (text.StartsWith(':'))
                    {
                        // The client is gone: the keep-alive cannot be written (the send below throws), and the server
                        // reports the disconnect.
                        await client.DisconnectAsync();
                    }
                    else
                    {
                        sent.Add(text);
                    }
                }

                await send(message);
            }));
        await communicator.SendInputAsync(HttpRequestBody.Empty);

        await communicator.WaitAsync(Timeout);

        Assert.True(response.ClientDisconnected);
        Assert.Equal(["data: first\n\n"], sent);
        await producerStopped.Task.WaitAsync(Timeout);
    }

    [Fact]
    public async Task Client_disconnect_while_the_producer_waits_ends_the_response_without_error()
    {
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async IAsyncEnumerable<ServerSentEvent> Produce([EnumeratorCancellation] CancellationToken token)
        {
            yield return new ServerSentEvent("only");
            waiting.TrySetResult();
            await Task.Delay(System.Threading.Timeout.Infinite, token);
        }

        var response = new ServerSentEventsResponse(Produce);
        await using var communicator = new AsgiCommunicator(response.ExecuteAsync, MiddlewareScopes.Http("/events"));
        await communicator.SendInputAsync(HttpRequestBody.Empty);

        await waiting.Task.WaitAsync(Timeout);
        await communicator.SendInputAsync(HttpDisconnect.Instance);
        await communicator.WaitAsync(Timeout);

        Assert.True(response.ClientDisconnected);
        Assert.Contains("data: only", communicator.GetOutput().BodyText(), StringComparison.Ordinal);
    }
}
