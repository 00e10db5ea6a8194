using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using AsgiBridge.Messages;
using AsgiBridge.Tests.Infrastructure;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.TestInfrastructure.WebSockets;

namespace AsgiBridge.Tests.Security;

/// <summary>
/// Issue 10.3 on real Kestrel: an application that keeps its <c>send</c>, <c>receive</c> and scope past its return can
/// never reach another request, on reused HTTP/1.1 keep-alive connections and h2c streams, under concurrency.
/// </summary>
public sealed class RetainedCallbackIsolationTests
{
    private const string Leak = "<LEAKED-FROM-A>";

    private sealed record Kept(AsgiSend Send, AsgiReceive Receive, HttpScope Scope, string Query);

    private sealed class Attacks
    {
        // A's callbacks go to Pending while A runs, and into Kept once its application has returned.
        public readonly ConcurrentDictionary<string, Kept> Pending = new();
        public readonly ConcurrentQueue<Kept> Kept = new();
        public readonly ConcurrentQueue<string> Failures = new();
        public int SendRaised;
        public int ReceiveRaised;
        public int UnreadKeysDisposed;
    }

    /// <summary>
    /// <c>/a</c> keeps everything and returns; <c>/b</c> starts its response, then calls every kept callback and reads every
    /// kept scope, then reads its own body and ends its response with it.
    /// </summary>
    private static AsgiApp App(Attacks attacks) => async (scope, receive, send) =>
    {
        var http = (HttpScope)scope;
        var query = Encoding.ASCII.GetString(http.QueryString.Span);
        if (http.Path == "/a")
        {
            await AsgiTestApps.ReadAllAsync(receive);
            attacks.Pending[query] = new Kept(send, receive, http, query);
            await AsgiTestApps.SendTextAsync(send, 200, "A:" + query);
            return;
        }

        await send(new HttpResponseStart(200, [new("content-type", "text/plain")]));
        await send(new HttpResponseBody("B1|"u8.ToArray(), moreBody: true));
        foreach (var kept in attacks.Kept)
        {
            try
            {
                await kept.Send(new HttpResponseBody(Encoding.ASCII.GetBytes(Leak), moreBody: true));
                attacks.Failures.Enqueue("a kept send went through");
            }
            catch (AsgiClientDisconnectedException)
            {
                Interlocked.Increment(ref attacks.SendRaised);
            }

            try
            {
                var stolen = await kept.Receive();
                attacks.Failures.Enqueue("a kept receive returned " + stolen.Type);
            }
            catch (AsgiClientDisconnectedException)
            {
                Interlocked.Increment(ref attacks.ReceiveRaised);
            }

            // Keys read while A ran still answer with A's values; the others are gone, never B's.
            if (kept.Scope.Path != "/a" || Encoding.ASCII.GetString(kept.Scope.QueryString.Span) != kept.Query)
            {
                attacks.Failures.Enqueue($"a kept scope answered {kept.Scope.Path}?{Encoding.ASCII.GetString(kept.Scope.QueryString.Span)}");
            }

            try
            {
                var headers = kept.Scope.Headers;
                attacks.Failures.Enqueue($"an unread key of a kept scope answered ({headers.Count} headers)");
            }
            catch (ObjectDisposedException)
            {
                Interlocked.Increment(ref attacks.UnreadKeysDisposed);
            }
        }

        var own = AsgiTestApps.Concat(await AsgiTestApps.ReadAllAsync(receive));
        await send(new HttpResponseBody(Encoding.ASCII.GetBytes("B2|").Concat(own).ToArray()));
    };

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Kept_send_receive_and_scope_never_reach_another_request(KestrelProtocol protocol)
    {
        const int lanes = 4;
        const int rounds = 12;
        var attacks = new Attacks();
        await using var host = await KestrelTestHost.StartAsync(App(attacks));

        // Few connections, so that B requests run on the very connections (and pooled cycles) A requests used.
        var client = host.CreateClient(protocol, handler => handler.MaxConnectionsPerServer = lanes);
        var responses = new ConcurrentQueue<(string Expected, string Actual)>();
        await Task.WhenAll(Enumerable.Range(0, lanes).Select(lane => Task.Run(async () =>
        {
            for (var round = 0; round < rounds; round++)
            {
                var id = $"{lane}-{round}";
                var a = await client.PostAsync("/a?i=" + id, new StringContent("BODY-A-" + id));
                Assert.Equal("A:i=" + id, await a.Content.ReadAsStringAsync());
                await host.WaitForOutcomeAsync(a);   // A's application has returned: its callbacks are dead from here on
                Assert.True(attacks.Pending.TryRemove("i=" + id, out var kept));
                attacks.Kept.Enqueue(kept);

                var b = await client.PostAsync("/b?i=" + id, new StringContent("BODY-B-" + id));
                responses.Enqueue(("B1|B2|BODY-B-" + id, await b.Content.ReadAsStringAsync()));
            }
        })));

        Assert.Empty(attacks.Failures);
        Assert.All(responses, r => Assert.Equal(r.Expected, r.Actual));
        Assert.DoesNotContain(responses, r => r.Actual.Contains(Leak, StringComparison.Ordinal));

        // Every B attacked every A kept before it (at least the ones of its own lane).
        Assert.True(attacks.SendRaised >= lanes * rounds * (rounds + 1) / 2, $"kept sends raised {attacks.SendRaised} times");
        Assert.Equal(attacks.SendRaised, attacks.ReceiveRaised);
        Assert.Equal(attacks.SendRaised, attacks.UnreadKeysDisposed);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task A_kept_WebSocket_send_raises_and_never_reaches_the_next_session(KestrelProtocol protocol)
    {
        AsgiSend? keptSend = null;
        AsgiReceive? keptReceive = null;
        var outcomes = new ConcurrentQueue<string>();
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            await receive();
            await send(WebSocketAccept.Default);
            if (((WebSocketScope)scope).Path == "/first")
            {
                keptSend = send;
                keptReceive = receive;
                await send(new WebSocketClose(1000));
                return;
            }

            try
            {
                await keptSend!(new WebSocketSend(null, Leak));
                outcomes.Enqueue("kept send went through");
            }
            catch (AsgiClientDisconnectedException)
            {
                outcomes.Enqueue("send raised");
            }

            try
            {
                var stolen = await keptReceive!();
                outcomes.Enqueue("kept receive returned " + stolen.Type);
            }
            catch (AsgiClientDisconnectedException)
            {
                outcomes.Enqueue("receive raised");
            }

            await send(new WebSocketSend(null, "second"));
            var echo = await receive();
            await send(new WebSocketSend(null, "echo:" + ((WebSocketReceive)echo).Text));
            await send(new WebSocketClose(1000));
        });

        var first = host.CreateWebSocketClient(protocol);
        await first.ConnectAsync("/first");
        Assert.Equal(WebSocketMessageType.Close, (await first.Socket.ReceiveMessageAsync()).Type);
        await first.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await host.WaitForOutcomeAsync(first.RequestId);

        var second = host.CreateWebSocketClient(protocol);
        await second.ConnectAsync("/second");
        Assert.Equal("second", (await second.Socket.ReceiveMessageAsync()).Text);
        await second.Socket.SendTextAsync("mine");
        Assert.Equal("echo:mine", (await second.Socket.ReceiveMessageAsync()).Text);

        Assert.Equal(["send raised", "receive raised"], outcomes);
    }
}
