using System.Text;
using AsgiBridge.Messages;
using AsgiBridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace AsgiBridge.Tests.Messages;

/// <summary>Bodies from text and spans, and (name, value) tuples as headers: the shapes ported Python code writes.</summary>
public sealed class PortingConvenienceTests
{
    private static readonly byte[] s_cached = "cached"u8.ToArray();

    [Fact]
    public void Text_bodies_are_utf8()
    {
        Assert.Equal("caf\u00e9 \u2713"u8.ToArray(), new HttpResponseBody("caf\u00e9 \u2713").Body.ToArray());
        Assert.Equal("hi"u8.ToArray(), new HttpRequestBody("hi", moreBody: true).Body.ToArray());
        Assert.True(new HttpRequestBody("hi", moreBody: true).MoreBody);
        Assert.Equal("denied"u8.ToArray(), new WebSocketHttpResponseBody("denied").Body.ToArray());
        Assert.Throws<ArgumentNullException>(() => new HttpResponseBody((string)null!));
    }

    [Fact]
    public void Span_bodies_are_copied_so_the_caller_may_reuse_its_buffer()
    {
        Span<byte> buffer = stackalloc byte[] { (byte)'a', (byte)'b' };
        var message = new HttpResponseBody(buffer, moreBody: true);
        buffer[0] = (byte)'z';

        Assert.Equal("ab"u8.ToArray(), message.Body.ToArray());
        Assert.True(message.MoreBody);
        Assert.Equal("x"u8.ToArray(), new HttpResponseBody("x"u8).Body.ToArray());
        Assert.Equal("y"u8.ToArray(), WebSocketSend.FromBytes("y"u8).Bytes!.Value.ToArray());
    }

    [Fact]
    public void Arrays_and_default_still_bind_to_the_memory_overload_without_a_copy()
    {
        var fromArray = new HttpResponseBody(s_cached);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(fromArray.Body, out var segment));
        Assert.Same(s_cached, segment.Array);

        var empty = new HttpRequestBody(default, moreBody: true);
        Assert.True(empty.Body.IsEmpty);
        Assert.True(empty.MoreBody);

        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(WebSocketSend.FromBytes(s_cached).Bytes!.Value, out var sent));
        Assert.Same(s_cached, sent.Array);
    }

    [Fact]
    public void Tuples_are_headers()
    {
        var start = new HttpResponseStart(200, [("content-type", "text/plain"), ("x-custom-header", "my-value")]);
        AsgiHeader single = ("x-a", "1");

        Assert.Equal([new AsgiHeader("content-type", "text/plain"), new AsgiHeader("x-custom-header", "my-value")], start.Headers);
        Assert.Equal(new AsgiHeader("x-a", "1"), single);
        Assert.Equal(single, AsgiHeader.FromValueTuple(("x-a", "1")));
        Assert.Equal([new AsgiHeader("x-b", "2")], new WebSocketAccept(headers: [("x-b", "2")]).Headers);
    }

    [Fact]
    public async Task The_ported_hello_world_answers_through_the_bridge()
    {
        var context = HttpContextHarness.Context();
        var handler = HttpContextHarness.Handler(async (_, _, send) =>
        {
            await send(new HttpResponseStart(200, [("content-type", "text/plain"), ("x-custom-header", "my-value")]));
            await send(new HttpResponseBody("Hello, world!"));
        });

        await handler.HandleAsync(context);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("my-value", context.Response.Headers["x-custom-header"].ToString());
        Assert.Equal("Hello, world!", HttpContextHarness.ResponseText(context));
        Assert.Equal(13, context.Response.ContentLength);
    }
}
