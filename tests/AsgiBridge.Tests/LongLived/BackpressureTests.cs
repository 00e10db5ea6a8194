using System.Net.WebSockets;
using AsgiBridge.Hosting;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.TestInfrastructure.WebSockets;

namespace AsgiBridge.Tests.LongLived;

/// <summary>
/// Backpressure on real Kestrel: a client that does not read makes its senders wait (the bridge does not buffer on its
/// behalf), and past <see cref="AsgiOptions.SendQueueLimit"/> or <see cref="AsgiOptions.SendQueueByteLimit"/> the
/// documented policy applies: a WebSocket is closed with 1008, an HTTP send raises <see cref="AsgiProtocolException"/>.
/// </summary>
public sealed class BackpressureTests
{
    private const int MessageSize = 1024 * 1024;
    private const int MessageCount = 256;

    public static TheoryData<KestrelProtocol> Protocols => [KestrelProtocol.Http1, KestrelProtocol.Http2];

    public static TheoryData<KestrelProtocol, bool> ProtocolsAndLimits => new()
    {
        { KestrelProtocol.Http1, true },
        { KestrelProtocol.Http1, false },
        { KestrelProtocol.Http2, true },
        { KestrelProtocol.Http2, false },
    };

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task A_client_that_does_not_read_makes_its_sender_wait_and_then_gets_everything(KestrelProtocol protocol)
    {
        var completed = 0;
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            if (scope is not WebSocketScope)
            {
                return;
            }

            await receive();
            await send(WebSocketAccept.Default);
            var payload = new byte[MessageSize];
            for (var i = 0; i < MessageCount; i++)
            {
                payload[0] = (byte)i;
                var pending = send(WebSocketSend.FromBytes(payload.ToArray()));
                if (!pending.IsCompleted)
                {
                    waiting.TrySetResult();
                }

                await pending;
                Interlocked.Increment(ref completed);
            }

            finished.SetResult();
            await send(WebSocketClose.Normal);
            while (await receive() is not WebSocketDisconnect)
            {
            }
        });

        var client = host.CreateWebSocketClient(protocol);
        await client.ConnectAsync("/ws");

        // The client reads nothing: the sender ends up waiting on the transport, far from the end of its 256 MiB.
        await waiting.Task.WithTimeout();
        var done = await Task.WhenAny(finished.Task, Task.Delay(TimeSpan.FromSeconds(1)));
        Assert.NotSame(finished.Task, done);
        var completedWhileNotReading = Volatile.Read(ref completed);
        Assert.True(completedWhileNotReading < 64, $"{completedWhileNotReading} MiB were accepted for a client that read nothing: the bridge buffered on its behalf");

        // Once the client reads, every message arrives in order and the sender finishes.
        for (var i = 0; i < MessageCount; i++)
        {
            var message = await client.Socket.ReceiveMessageAsync();
            Assert.Equal(WebSocketMessageType.Binary, message.Type);
            Assert.Equal(MessageSize, message.Data.Length);
            Assert.Equal((byte)i, message.Data[0]);
        }

        await finished.Task.WithTimeout();
        Assert.Equal(WebSocketMessageType.Close, (await client.Socket.ReceiveMessageAsync()).Type);
        await client.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    [Theory]
    [MemberData(nameof(ProtocolsAndLimits))]
    public async Task Past_the_send_queue_limit_the_WebSocket_is_closed_with_1008(KestrelProtocol protocol, bool limitByCount)
    {
        const int Chunk = 256 * 1024;
        const int Sends = 64;
        var sendsFinished = new TaskCompletionSource<SendResults>(TaskCreationOptions.RunContinuationsAsynchronously);
        var disconnect = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            if (scope is not WebSocketScope)
            {
                return;
            }

            await receive();
            await send(WebSocketAccept.Default);

            // A broadcast storm on a client that does not read: every send is started at once.
            var sends = Enumerable.Range(0, Sends).Select(i =>
            {
                var payload = new byte[Chunk];
                payload[0] = (byte)i;
                return send(WebSocketSend.FromBytes(payload)).AsTask();
            }).ToArray();
            var firstRefusal = Array.FindIndex(sends, s => s.IsFaulted);
            var outcome = await Task.WhenAll(sends.Select(async s =>
            {
                try
                {
                    await s;
                    return (Exception?)null;
                }
                catch (Exception ex)
                {
                    return ex;
                }
            }));
            sendsFinished.SetResult(new SendResults(firstRefusal, outcome));
            disconnect.SetResult(await receive() is WebSocketDisconnect d ? d.Code : -1);
        }, asgi: options =>
        {
            if (limitByCount)
            {
                options.SendQueueLimit = 4;
            }
            else
            {
                options.SendQueueByteLimit = 3 * Chunk;
            }
        });

        var client = host.CreateWebSocketClient(protocol);
        await client.ConnectAsync("/ws");

        // The refusal happens while the client still reads nothing: the sends beyond the limit fail at once.
        var entry = await host.Logs.WaitForAsync(34);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, entry.Level);

        // Now the client reads: it gets exactly the messages whose sends succeeded, then the close with 1008.
        var delivered = new List<byte>();
        ClientMessage message;
        while ((message = await client.Socket.ReceiveMessageAsync()).Type != WebSocketMessageType.Close)
        {
            delivered.Add(message.Data[0]);
        }

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, message.CloseStatus);
        await client.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        var results = await sendsFinished.Task.WithTimeout();
        Assert.True(results.FirstRefusal > 0, "no send was refused synchronously at the limit");
        var succeeded = results.Errors.Select((error, index) => (error, index)).Where(r => r.error is null).Select(r => (byte)r.index).ToList();
        Assert.Equal(succeeded, delivered);
        Assert.True(succeeded.Count < Sends, "every send succeeded for a client that read nothing");
        Assert.All(results.Errors.Where(e => e is not null), e => Assert.IsType<AsgiClientDisconnectedException>(e));
        Assert.Contains("SendQueueLimit", results.Errors.First(e => e is not null)!.Message, StringComparison.Ordinal);
        Assert.Equal(1008, await disconnect.Task.WithTimeout());
        Assert.Equal(1008, (await host.WaitForOutcomeAsync(client.RequestId)).WebSocketCloseCode);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task A_client_that_never_reads_again_is_cut_after_the_close_timeout_once_the_queue_overflowed(KestrelProtocol protocol)
    {
        // The 1008 close waits behind the send being written, which flow control holds for as long as the client reads
        // nothing. The close timeout runs from the moment the bridge decides to close, so that client is cut all the same.
        const int Chunk = 256 * 1024;
        const int Sends = 64;
        var errors = new TaskCompletionSource<Exception?[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var disconnect = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            if (scope is not WebSocketScope)
            {
                return;
            }

            await receive();
            await send(WebSocketAccept.Default);
            var sends = Enumerable.Range(0, Sends).Select(_ => send(WebSocketSend.FromBytes(new byte[Chunk])).AsTask()).ToArray();
            errors.SetResult(await Task.WhenAll(sends.Select(async s =>
            {
                try
                {
                    await s;
                    return (Exception?)null;
                }
                catch (Exception ex)
                {
                    return ex;
                }
            })));
            disconnect.SetResult(await receive() is WebSocketDisconnect d ? d.Code : -1);
        }, asgi: options =>
        {
            options.SendQueueLimit = 4;
            options.WebSocketCloseTimeout = TimeSpan.FromMilliseconds(300);
        });

        var client = host.CreateWebSocketClient(protocol);
        await client.ConnectAsync("/ws");

        await host.Logs.WaitForAsync(34);
        await host.Logs.WaitForAsync(26);
        var results = await errors.Task.WithTimeout();
        Assert.All(results.Where(e => e is not null), e => Assert.IsType<AsgiClientDisconnectedException>(e));
        Assert.Contains(results, e => e?.Message.Contains("SendQueueLimit", StringComparison.Ordinal) == true);
        Assert.Equal(1008, await disconnect.Task.WithTimeout());
        Assert.Equal(1008, (await host.WaitForOutcomeAsync(client.RequestId)).WebSocketCloseCode);
        client.Socket.Abort();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Past_the_send_queue_limit_an_HTTP_send_raises_a_protocol_error_naming_the_option(KestrelProtocol protocol)
    {
        const int Chunk = 256 * 1024;
        const int Sends = 64;
        var refusals = new TaskCompletionSource<Exception[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            if (scope is not HttpScope)
            {
                return;
            }

            await send(new HttpResponseStart(200, [new("content-type", "application/octet-stream")]));
            var sends = Enumerable.Range(0, Sends).Select(_ => send(new HttpResponseBody(new byte[Chunk], moreBody: true)).AsTask()).ToArray();
            refusals.SetResult([.. sends.Where(s => s.IsFaulted).Select(s => s.Exception!.InnerException!)]);
            foreach (var pending in sends)
            {
                try
                {
                    await pending;
                }
                catch (AsgiProtocolException)
                {
                }
            }

            await send(HttpResponseBody.Empty);
        }, asgi: options => options.SendQueueLimit = 4);

        var http = host.CreateClient(protocol);
        using var response = await http.GetAsync("/stream", HttpCompletionOption.ResponseHeadersRead);

        // The body is not read yet, so the storm overflows the queue.
        var refused = await refusals.Task.WithTimeout();
        Assert.NotEmpty(refused);
        var error = Assert.IsType<AsgiProtocolException>(refused[0]);
        Assert.Contains("http.response.body", error.Message, StringComparison.Ordinal);
        Assert.Contains("SendQueueLimit", error.Message, StringComparison.Ordinal);

        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal((Sends - refused.Length) * Chunk, body.Length);
    }

    private sealed record SendResults(int FirstRefusal, Exception?[] Errors);
}
