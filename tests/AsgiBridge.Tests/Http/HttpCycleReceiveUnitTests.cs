using System.IO.Pipelines;
using System.Text;
using AsgiBridge.Hosting;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.WebSockets;
using AsgiBridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace AsgiBridge.Tests.Http;

/// <summary>Unit tier: receive, concurrency between receive and send, and cycle reuse, on a <see cref="DefaultHttpContext"/>.</summary>
public sealed class HttpCycleReceiveUnitTests
{
    private static readonly TimeSpan s_timeout = AsgiTestApps.Timeout;

    [Fact]
    public async Task Overlapping_sends_are_written_in_call_order()
    {
        var context = HttpContextHarness.Context();
        var pipe = HttpContextHarness.AddBackpressuredBody(context);
        var queued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = HttpContextHarness.Handler(async (_, _, send) =>
        {
            await send(new HttpResponseStart(200));
            var first = send(new HttpResponseBody(new byte[8192], moreBody: true));
            Assert.False(first.IsCompleted);
            var second = send(new HttpResponseBody("y"u8.ToArray(), moreBody: true));
            var third = send(new HttpResponseBody("z"u8.ToArray()));
            Assert.False(second.IsCompleted);
            queued.SetResult();
            await first;
            await second;
            await third;
        }).HandleAsync(context);

        await queued.Task.WaitAsync(s_timeout);
        var body = await ReadToEndAsync(pipe.Reader);
        await run.WaitAsync(s_timeout);
        Assert.Equal(8194, body.Length);
        Assert.Equal("yz", Encoding.ASCII.GetString(body[^2..]));
        Assert.Equal(AsgiConnectionEnd.Completed, context.GetAsgiOutcome()!.End);
    }

    [Fact]
    public async Task Sends_past_the_queue_limit_raise_and_the_queued_ones_still_go_out()
    {
        var context = HttpContextHarness.Context();
        var pipe = HttpContextHarness.AddBackpressuredBody(context);
        var queued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        AsgiProtocolException? raised = null;
        var run = HttpContextHarness.Handler(async (_, _, send) =>
        {
            await send(new HttpResponseStart(200));
            var first = send(new HttpResponseBody(new byte[8192], moreBody: true));
            var waiting = send(new HttpResponseBody("y"u8.ToArray(), moreBody: true));
            raised = await Assert.ThrowsAsync<AsgiProtocolException>(async () => await send(new HttpResponseBody("z"u8.ToArray(), moreBody: true)));
            queued.SetResult();
            await first;
            await waiting;
            await send(new HttpResponseBody("!"u8.ToArray()));
        }, options: new AsgiOptions { SendQueueLimit = 1 }).HandleAsync(context);

        await queued.Task.WaitAsync(s_timeout);
        var body = await ReadToEndAsync(pipe.Reader);
        await run.WaitAsync(s_timeout);
        Assert.Contains("SendQueueLimit", raised!.Message, StringComparison.Ordinal);
        Assert.Equal("y!", Encoding.ASCII.GetString(body[^2..]));
    }

    [Fact]
    public async Task Receive_and_send_may_run_concurrently_and_an_overlapping_receive_shares_the_pending_one()
    {
        var context = HttpContextHarness.Context(method: "POST");
        var request = new Pipe();
        context.Request.Body = request.Reader.AsStream();
        AsgiMessage? overlapping = null;
        var handler = HttpContextHarness.Handler(async (_, receive, send) =>
        {
            // The first receive is abandoned, as Task.WhenAny(receive(), delay) or asyncio.wait_for leave it.
            var pendingReceive = receive().AsTask();
            Assert.False(pendingReceive.IsCompleted);
            var joined = receive().AsTask();

            // send completes while receive is still waiting for the body.
            await send(new HttpResponseStart(200));
            await send(new HttpResponseBody("started;"u8.ToArray(), moreBody: true));
            Assert.False(pendingReceive.IsCompleted);
            await request.Writer.WriteAsync("payload"u8.ToArray());
            await request.Writer.CompleteAsync();

            overlapping = await joined;
            var messages = new List<HttpRequestBody> { (HttpRequestBody)await pendingReceive };
            while (messages[^1].MoreBody)
            {
                messages.Add((HttpRequestBody)await receive());
            }

            await send(new HttpResponseBody(AsgiTestApps.Concat(messages)));
        });

        await handler.HandleAsync(context).WaitAsync(s_timeout);
        Assert.StartsWith("payload", Encoding.ASCII.GetString(((HttpRequestBody)overlapping!).Body.Span), StringComparison.Ordinal);
        Assert.Equal("started;payload", HttpContextHarness.ResponseText(context));
    }

    [Fact]
    public async Task Receive_after_body_waits_until_response_complete_then_returns_disconnect()
    {
        var context = HttpContextHarness.Context(method: "POST");
        context.Request.Body = new MemoryStream("abc"u8.ToArray());
        context.Request.ContentLength = 3;
        AsgiMessage? afterBody = null;
        await HttpContextHarness.Handler(async (_, receive, send) =>
        {
            var body = AsgiTestApps.Concat(await AsgiTestApps.ReadAllAsync(receive));
            var next = receive().AsTask();
            await send(new HttpResponseStart(200));
            await send(new HttpResponseBody(body, moreBody: true));
            Assert.False(next.IsCompleted);
            await send(new HttpResponseBody("!"u8.ToArray()));
            afterBody = await next.WaitAsync(s_timeout);
        }).HandleAsync(context);

        Assert.Same(HttpDisconnect.Instance, afterBody);
        Assert.Equal("abc!", HttpContextHarness.ResponseText(context));
    }

    [Fact]
    public async Task Receive_after_the_response_is_complete_returns_disconnect_even_with_the_body_unread()
    {
        var context = HttpContextHarness.Context(method: "POST");
        context.Request.Body = new MemoryStream("unread body"u8.ToArray());
        context.Request.ContentLength = 11;
        AsgiMessage? afterResponse = null;
        await HttpContextHarness.Handler(async (_, receive, send) =>
        {
            await AsgiTestApps.SendTextAsync(send, 200, "answered without reading");
            var pending = receive();
            Assert.True(pending.IsCompleted);
            afterResponse = await pending;
        }).HandleAsync(context);

        Assert.Same(HttpDisconnect.Instance, afterResponse);
    }

    [Fact]
    public async Task Receive_without_body_answers_synchronously_with_an_empty_final_message()
    {
        var context = HttpContextHarness.Context();
        context.Request.ContentLength = 0;
        context.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>(new NoBody());
        AsgiMessage? first = null;
        await HttpContextHarness.Handler(async (_, receive, send) =>
        {
            var pending = receive();
            Assert.True(pending.IsCompletedSuccessfully);
            first = await pending;
            await AsgiTestApps.SendTextAsync(send, 200, "ok");
        }).HandleAsync(context);

        var body = Assert.IsType<HttpRequestBody>(first);
        Assert.False(body.MoreBody);
        Assert.True(body.Body.IsEmpty);
    }

    [Fact]
    public async Task Chunks_arrive_with_more_body_until_the_last()
    {
        var context = HttpContextHarness.Context(method: "POST");
        var request = new Pipe();
        context.Request.Body = request.Reader.AsStream();
        var messages = new List<HttpRequestBody>();
        var handler = HttpContextHarness.Handler(async (_, receive, send) =>
        {
            foreach (var part in new[] { "one", "two" })
            {
                await request.Writer.WriteAsync(Encoding.ASCII.GetBytes(part));
                messages.Add((HttpRequestBody)await receive());
            }

            await request.Writer.CompleteAsync();
            messages.Add((HttpRequestBody)await receive());
            await AsgiTestApps.SendTextAsync(send, 200, "ok");
        });
        await handler.HandleAsync(context).WaitAsync(s_timeout);

        Assert.Equal(["one", "two", ""], messages.Select(m => Encoding.ASCII.GetString(m.Body.Span)));
        Assert.Equal([true, true, false], messages.Select(m => m.MoreBody));
    }

    [Fact]
    public async Task A_receive_left_pending_when_the_app_returns_still_completes_against_its_own_request()
    {
        var context = HttpContextHarness.Context(method: "POST", path: "/first");
        var request = new Pipe();
        context.Request.Body = request.Reader.AsStream();
        Task<AsgiMessage>? abandoned = null;
        byte[]? secondBody = null;
        var handler = HttpContextHarness.Handler(async (scope, receive, send) =>
        {
            if (((HttpScope)scope).Path == "/first")
            {
                // A disconnect listener the app never awaits (the pattern of streaming responses that watch for disconnects).
                abandoned = receive().AsTask();
                await AsgiTestApps.SendTextAsync(send, 200, "done");
                return;
            }

            secondBody = AsgiTestApps.Concat(await AsgiTestApps.ReadAllAsync(receive));
            await AsgiTestApps.SendTextAsync(send, 200, "ok");
        });
        await handler.HandleAsync(context).WaitAsync(s_timeout);
        Assert.False(abandoned!.IsCompleted);

        // The next request on the same handler may get a pooled cycle; the abandoned receive must not touch it.
        var next = HttpContextHarness.Context(method: "POST", path: "/second");
        var nextBody = new Pipe();
        next.Request.Body = nextBody.Reader.AsStream();
        var second = handler.HandleAsync(next);
        await request.Writer.WriteAsync("late"u8.ToArray());
        await request.Writer.CompleteAsync();
        var message = await abandoned.WaitAsync(s_timeout);
        await nextBody.Writer.WriteAsync("second"u8.ToArray());
        await nextBody.Writer.CompleteAsync();
        await second.WaitAsync(s_timeout);

        Assert.Equal("late", Encoding.ASCII.GetString(Assert.IsType<HttpRequestBody>(message).Body.Span));
        Assert.Equal("second", Encoding.ASCII.GetString(secondBody!));
        Assert.Equal("ok", HttpContextHarness.ResponseText(next));
    }

    private static async Task<byte[]> ReadToEndAsync(PipeReader reader)
    {
        using var stream = new MemoryStream();
        while (true)
        {
            var result = await reader.ReadAsync().AsTask().WaitAsync(s_timeout);
            foreach (var segment in result.Buffer)
            {
                stream.Write(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return stream.ToArray();
            }
        }
    }

    private sealed class NoBody : Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => false;
    }
}
