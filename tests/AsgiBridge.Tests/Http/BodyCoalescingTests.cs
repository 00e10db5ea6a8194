using System.IO.Pipelines;
using AsgiBridge.Messages;
using AsgiBridge.Tests.Infrastructure;

namespace AsgiBridge.Tests.Http;

/// <summary>Small declared bodies arrive as one event; large or chunked ones still stream.</summary>
public sealed class BodyCoalescingTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    private static async Task<List<HttpRequestBody>> ReceiveInPiecesAsync(int length, long? declared, int piece)
    {
        var context = HttpContextHarness.Context(method: "POST");
        var request = new Pipe();
        context.Request.Body = request.Reader.AsStream();
        context.Request.ContentLength = declared;
        var events = new List<HttpRequestBody>();
        var run = HttpContextHarness.Handler(async (_, receive, send) =>
        {
            while (await receive() is HttpRequestBody chunk)
            {
                events.Add(chunk);
                if (!chunk.MoreBody)
                {
                    break;
                }
            }

            await AsgiTestApps.SendTextAsync(send, 200, "ok");
        }).HandleAsync(context);

        for (var sent = 0; sent < length; sent += piece)
        {
            await request.Writer.WriteAsync(new byte[Math.Min(piece, length - sent)]);
        }

        await request.Writer.CompleteAsync();
        await run.WaitAsync(s_timeout);
        return events;
    }

    [Fact]
    public async Task A_declared_body_up_to_64_KiB_arrives_as_one_event()
    {
        var events = await ReceiveInPiecesAsync(16 * 1024, 16 * 1024, piece: 1000);

        var only = Assert.Single(events);
        Assert.False(only.MoreBody);
        Assert.Equal(16 * 1024, only.Body.Length);
    }

    [Fact]
    public async Task A_larger_declared_body_still_streams_in_chunks()
    {
        var events = await ReceiveInPiecesAsync(200 * 1024, 200 * 1024, piece: 8192);

        Assert.True(events.Count > 1);
        Assert.Equal(200 * 1024, events.Sum(e => e.Body.Length));
        Assert.False(events[^1].MoreBody);
    }

    [Fact]
    public async Task A_body_without_a_declared_length_streams_as_it_arrives()
    {
        var events = await ReceiveInPiecesAsync(16 * 1024, declared: null, piece: 4096);

        Assert.Equal(16 * 1024, events.Sum(e => e.Body.Length));
        Assert.False(events[^1].MoreBody);
    }
}
