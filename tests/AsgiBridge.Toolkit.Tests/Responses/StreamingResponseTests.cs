using System.Runtime.CompilerServices;
using System.Text;
using AsgiBridge.Messages;
using AsgiBridge.Testing;
using AsgiBridge.Toolkit;
using Microsoft.AspNetCore.Builder;
using AsgiBridge.TestInfrastructure.Kestrel;

namespace AsgiBridge.Toolkit.Tests.Responses;

public sealed class StreamingResponseTests
{
    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Each_chunk_is_sent_as_it_is_produced()
    {
        var produceSecond = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async IAsyncEnumerable<ReadOnlyMemory<byte>> Produce([EnumeratorCancellation] CancellationToken token)
        {
            yield return Bytes("one");
            await produceSecond.Task.WaitAsync(token);
            yield return Bytes("two");
        }

        var response = new StreamingResponse(Produce, mediaType: "text/plain");
        await using var communicator = new AsgiCommunicator(response.ExecuteAsync, Asgi.Http("/"));
        await communicator.SendInputAsync(HttpRequestBody.Empty);

        var start = await communicator.ReceiveOutputAsync<HttpResponseStart>(Asgi.Timeout);
        Assert.Equal(200, start.Status);
        Assert.Equal("text/plain; charset=utf-8", start.Headers.GetFirst("content-type"));
        Assert.Null(start.Headers.GetFirst("content-length"));
        var first = await communicator.ReceiveOutputAsync<HttpResponseBody>(Asgi.Timeout);
        Assert.Equal("one", Encoding.UTF8.GetString(first.Body.Span));
        Assert.True(first.MoreBody);
        Assert.False(produceSecond.Task.IsCompleted);

        produceSecond.SetResult();
        var second = await communicator.ReceiveOutputAsync<HttpResponseBody>(Asgi.Timeout);
        Assert.Equal("two", Encoding.UTF8.GetString(second.Body.Span));
        var last = await communicator.ReceiveOutputAsync<HttpResponseBody>(Asgi.Timeout);
        Assert.False(last.MoreBody);

        // A spec-following server: once the response is complete, receive yields http.disconnect.
        await communicator.SendInputAsync(HttpDisconnect.Instance);
        await communicator.WaitAsync(Asgi.Timeout);
        Assert.False(response.ClientDisconnected);
    }

    [Fact]
    public async Task Sequence_without_a_token_parameter_is_streamed()
    {
        static async IAsyncEnumerable<ReadOnlyMemory<byte>> Produce()
        {
            for (var i = 0; i < 3; i++)
            {
                await Task.Yield();
                yield return Bytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        var response = await Asgi.RunHttpAsync(new StreamingResponse(Produce()).ToApp(), Asgi.Http("/"));

        Assert.Equal("012", response.Text);
        Assert.True(response.Complete);
    }

    [Fact]
    public async Task Client_disconnect_cancels_the_producer_and_ends_quietly()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async IAsyncEnumerable<ReadOnlyMemory<byte>> Produce([EnumeratorCancellation] CancellationToken token)
        {
            try
            {
                yield return Bytes("tick");
                await Task.Delay(Timeout.Infinite, token);
                yield return Bytes("never");
            }
            finally
            {
                // Set here rather than in a token callback: the callback could be unregistered before it runs.
                if (token.IsCancellationRequested)
                {
                    cancelled.TrySetResult();
                }
            }
        }

        var response = new StreamingResponse(Produce);
        await using var communicator = await LeaveAfterTheFirstChunkAsync(response);

        await communicator.WaitAsync(Asgi.Timeout);
        await cancelled.Task.WaitAsync(Asgi.Timeout);
        Assert.True(response.ClientDisconnected);
        Assert.Equal(["tick"], communicator.GetOutput().OfType<HttpResponseBody>().Select(b => Encoding.UTF8.GetString(b.Body.Span)));
    }

    [Fact]
    public async Task Send_failing_because_the_client_left_ends_quietly_and_cancels_the_producer()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async IAsyncEnumerable<ReadOnlyMemory<byte>> Produce(AsgiCommunicator client, [EnumeratorCancellation] CancellationToken token)
        {
            try
            {
                yield return Bytes("a");
                await client.DisconnectAsync();
                yield return Bytes("b");
            }
            finally
            {
                // Set here rather than in a token callback: the callback could be unregistered before it runs.
                if (token.IsCancellationRequested)
                {
                    cancelled.TrySetResult();
                }
            }
        }

        StreamingResponse? response = null;
        await using var communicator = Asgi.Start(Asgi.Http("/"), client =>
        {
            response = new StreamingResponse(token => Produce(client, token));
            return response.ExecuteAsync;
        });
        await communicator.SendInputAsync(HttpRequestBody.Empty);
        await communicator.WaitAsync(Asgi.Timeout);

        Assert.True(response!.ClientDisconnected);
        await cancelled.Task.WaitAsync(Asgi.Timeout);
    }

    [Fact]
    public async Task Client_disconnect_ends_the_response_even_if_the_producer_ignores_the_token()
    {
        var never = new TaskCompletionSource();
        async IAsyncEnumerable<ReadOnlyMemory<byte>> Produce()
        {
            yield return Bytes("only");
            await never.Task;
            yield return Bytes("never");
        }

        var response = new StreamingResponse(_ => Produce());
        await using var communicator = await LeaveAfterTheFirstChunkAsync(response);

        await communicator.WaitAsync(Asgi.Timeout);
        Assert.True(response.ClientDisconnected);
    }

    [Fact]
    public async Task Producer_failure_propagates()
    {
        static async IAsyncEnumerable<ReadOnlyMemory<byte>> Produce()
        {
            await Task.Yield();
            yield return Bytes("partial");
            throw new InvalidOperationException("source failed");
        }

        var response = new StreamingResponse(Produce());
        await using var communicator = new AsgiCommunicator(response.ExecuteAsync, Asgi.Http("/"));
        await communicator.SendInputAsync(HttpRequestBody.Empty);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => communicator.WaitAsync(Asgi.Timeout));
        Assert.Equal("source failed", error.Message);
        Assert.False(response.ClientDisconnected);
    }

    [Fact]
    public async Task On_Kestrel_the_client_reads_each_chunk_before_the_next_is_produced_and_a_disconnect_stops_the_producer()
    {
        var produceSecond = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var appDone = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        async IAsyncEnumerable<ReadOnlyMemory<byte>> Produce([EnumeratorCancellation] CancellationToken token)
        {
            try
            {
                yield return Bytes("first;");
                await produceSecond.Task.WaitAsync(token);
                yield return Bytes("second;");
                await Task.Delay(Timeout.Infinite, token);
            }
            finally
            {
                // Set here rather than in a token callback: the callback could be unregistered before it runs.
                if (token.IsCancellationRequested)
                {
                    cancelled.TrySetResult();
                }
            }
        }

        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            var response = new StreamingResponse(Produce, mediaType: "text/plain");
            await response.ExecuteAsync(scope, receive, send);
            appDone.SetResult(response.ClientDisconnected);
        }, KestrelTestHost.LifespanOff);

        var response = await host.CreateClient(KestrelProtocol.Http1).GetAsync("/stream", HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStreamAsync();
        Assert.Equal("first;", await ReadTextAsync(body, "first;".Length));
        Assert.False(produceSecond.Task.IsCompleted);
        produceSecond.SetResult();
        Assert.Equal("second;", await ReadTextAsync(body, "second;".Length));

        response.Dispose();

        await cancelled.Task.WaitAsync(Asgi.Timeout);
        Assert.True(await appDone.Task.WaitAsync(Asgi.Timeout));
        await host.StopAsync();
        Assert.Empty(host.Logs.Problems);
    }

    internal static async Task<string> ReadTextAsync(Stream stream, int length)
    {
        var buffer = new byte[length];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(Asgi.Timeout);
        return Encoding.UTF8.GetString(buffer);
    }

    // The client gets the start and the first chunk, then leaves while the response is still streaming.
    private static async Task<AsgiCommunicator> LeaveAfterTheFirstChunkAsync(StreamingResponse response)
    {
        var communicator = new AsgiCommunicator(response.ExecuteAsync, Asgi.Http("/"));
        await communicator.SendInputAsync(HttpRequestBody.Empty);
        await communicator.ReceiveOutputAsync<HttpResponseStart>(Asgi.Timeout);
        await communicator.ReceiveOutputAsync<HttpResponseBody>(Asgi.Timeout);
        await communicator.DisconnectAsync();
        return communicator;
    }
}
