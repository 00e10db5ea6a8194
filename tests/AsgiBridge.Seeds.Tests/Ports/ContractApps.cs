using System.Collections.Concurrent;
using AsgiBridge.Conversion;
using AsgiBridge.Hosting;
using Message = System.Collections.Generic.Dictionary<string, object?>;

namespace AsgiBridge.Seeds.Tests.Ports;

/// <summary>
/// The C# twins of python/contract.py, the apps of the porting contract (issue 11). What an app observed that a
/// client cannot see goes to <see cref="Probes"/>, as the Python apps print PROBE lines.
/// </summary>
internal sealed class ContractApps
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Message>> _probes = new();

    /// <summary>Waits for what an app reported under <paramref name="name"/>.</summary>
    public Task<Message> Probes(string name) => Probe(name).Task.WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>1. Upper-case response header names.</summary>
    public static async Task UppercaseHeaders(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        await receive();
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.start", ["status"] = 200,
            ["headers"] = new[] { new[] { "Content-Type"u8.ToArray(), "text/plain"u8.ToArray() }, new[] { "X-Special"u8.ToArray(), "Yes"u8.ToArray() } },
        });
        await send.SendAsync(new Message { ["type"] = "http.response.body", ["body"] = "upper-case names"u8.ToArray() });
    }

    /// <summary>2. Header bytes both ways.</summary>
    public static async Task HeaderBytes(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        var value = Py.HeaderDict(scope["headers"]).GetValueOrDefault("x-name") ?? [];
        if ((string?)scope["type"] == "websocket")
        {
            await receive();
            await send.SendAsync(new Message { ["type"] = "websocket.accept", ["headers"] = new[] { new[] { "x-echo"u8.ToArray(), value } } });
            await send.SendAsync(new Message { ["type"] = "websocket.send", ["text"] = Convert.ToHexStringLower(value) });
            await send.SendAsync(new Message { ["type"] = "websocket.close", ["code"] = 1000 });
            return;
        }

        await receive();
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.start", ["status"] = 200,
            ["headers"] = new[] { new[] { "content-type"u8.ToArray(), "text/plain"u8.ToArray() }, new[] { "x-echo"u8.ToArray(), value } },
        });
        await send.SendAsync(new Message { ["type"] = "http.response.body", ["body"] = Py.B(Convert.ToHexStringLower(value)) });
    }

    /// <summary>3. Three flushed chunks, then the app fails.</summary>
    public static async Task FlushThenFail(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        await receive();
        await send.SendAsync(new Message { ["type"] = "http.response.start", ["status"] = 200, ["headers"] = new[] { new[] { "content-type"u8.ToArray(), "text/plain"u8.ToArray() } } });
        for (var i = 0; i < 3; i++)
        {
            await send.SendAsync(new Message { ["type"] = "http.response.body", ["body"] = Py.B($"chunk {i}\n"), ["more_body"] = true });
        }

        throw new InvalidOperationException("failed after flushing three chunks");
    }

    /// <summary>4. Trailers only where the extension is advertised.</summary>
    public static async Task Trailers(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        await receive();
        var offered = scope.SupportsExtension("http.response.trailers");
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.start", ["status"] = 200, ["trailers"] = offered,
            ["headers"] = new[] { new[] { "content-type"u8.ToArray(), "text/plain"u8.ToArray() } },
        });
        await send.SendAsync(new Message { ["type"] = "http.response.body", ["body"] = Py.B(offered ? "trailers offered" : "no trailers") });
        if (offered)
        {
            await send.SendAsync(new Message { ["type"] = "http.response.trailers", ["headers"] = new[] { new[] { "x-checksum"u8.ToArray(), "abc"u8.ToArray() } } });
        }
    }

    /// <summary>
    /// 5. The client leaves after <c>websocket.connect</c>, before the app answered. uvicorn's <c>receive()</c> waits for
    /// the handshake to end; the bridge's raises while the client is still there (a receive before answering is a protocol
    /// error), so the port waits for the request to be aborted first, then receives as the original does.
    /// </summary>
    public async Task WsGoneBeforeAccept(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        var message = await receive.ReceiveDictionaryAsync();
        Py.Assert((string?)message["type"] == "websocket.connect");
        Probe("connected").TrySetResult([]);
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (scope.GetHttpContext()!.RequestAborted.Register(() => aborted.TrySetResult()))
        {
            await aborted.Task;
        }

        message = await receive.ReceiveDictionaryAsync();
        Probe("before-accept").TrySetResult(new Message { ["message"] = message });
    }

    /// <summary>6. A receive abandoned after a timeout (<c>Task.WhenAny(receive, delay)</c>, C#'s <c>asyncio.wait_for</c>).</summary>
    public static async Task AbandonedReceive(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        if ((string?)scope["type"] == "websocket")
        {
            await receive();
            await send.SendAsync(new Message { ["type"] = "websocket.accept" });
            var pending = receive().AsTask();
            var timedOut = await Task.WhenAny(pending, Task.Delay(TimeSpan.FromMilliseconds(200))) != pending;
            await send.SendAsync(new Message { ["type"] = "websocket.send", ["text"] = timedOut ? "timed out" : "no timeout" });
            var message = await receive.ReceiveDictionaryAsync();
            await send.SendAsync(new Message { ["type"] = "websocket.send", ["text"] = "got " + (string?)message.GetValueOrDefault("text") });
            await send.SendAsync(new Message { ["type"] = "websocket.close", ["code"] = 1000 });
            return;
        }

        var first = receive().AsTask();
        var firstLine = await Task.WhenAny(first, Task.Delay(TimeSpan.FromMilliseconds(200))) == first ? "no timeout\n" : "timed out\n";
        await send.SendAsync(new Message { ["type"] = "http.response.start", ["status"] = 200, ["headers"] = new[] { new[] { "content-type"u8.ToArray(), "text/plain"u8.ToArray() } } });
        await send.SendAsync(new Message { ["type"] = "http.response.body", ["body"] = Py.B(firstLine), ["more_body"] = true });
        var request = await receive.ReceiveDictionaryAsync();
        await send.SendAsync(new Message { ["type"] = "http.response.body", ["body"] = (byte[])[.. "got "u8, .. (byte[]?)request.GetValueOrDefault("body") ?? []] });
    }

    /// <summary>7. A startup that fails.</summary>
    public static async Task LifespanFails(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        if ((string?)scope["type"] == "lifespan")
        {
            var message = await receive.ReceiveDictionaryAsync();
            Py.Assert((string?)message["type"] == "lifespan.startup");
            await send.SendAsync(new Message { ["type"] = "lifespan.startup.failed", ["message"] = "the database is unreachable" });
            return;
        }

        throw new InvalidOperationException("never served");
    }

    /// <summary>7. An app that raises on the lifespan scope.</summary>
    public static async Task LifespanUnsupported(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        if ((string?)scope["type"] != "http")
        {
            throw new ArgumentException($"Unknown scope type: {scope["type"]}");
        }

        await receive();
        await send.SendAsync(new Message { ["type"] = "http.response.start", ["status"] = 200, ["headers"] = new[] { new[] { "content-type"u8.ToArray(), "text/plain"u8.ToArray() } } });
        await send.SendAsync(new Message { ["type"] = "http.response.body", ["body"] = "served without lifespan"u8.ToArray() });
    }

    /// <summary>9. What the app is told when the client breaks the protocol.</summary>
    public async Task WsCloseCodes(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        await receive();
        await send.SendAsync(new Message { ["type"] = "websocket.accept" });
        while (true)
        {
            var message = await receive.ReceiveDictionaryAsync();
            if ((string?)message["type"] == "websocket.disconnect")
            {
                Probe("close-code").TrySetResult(new Message { ["code"] = message.GetValueOrDefault("code") });
                return;
            }
        }
    }

    private TaskCompletionSource<Message> Probe(string name) =>
        _probes.GetOrAdd(name, static _ => new TaskCompletionSource<Message>(TaskCreationOptions.RunContinuationsAsynchronously));
}
