using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AsgiBridge.Tests.Http;

/// <summary>Real Kestrel tier: the trailers extension.</summary>
public sealed class KestrelTrailersTests
{
    private static readonly TimeSpan s_timeout = AsgiTestApps.Timeout;

    private static AsgiApp TrailerApp(TaskCompletionSource<bool> advertised) => async (scope, _, send) =>
    {
        advertised.TrySetResult(scope.SupportsExtension(AsgiExtensionNames.Trailers));
        await send(new HttpResponseStart(200, [new("content-type", "text/plain")], trailers: true));
        await send(new HttpResponseBody("part1;"u8.ToArray(), moreBody: true));
        await send(new HttpResponseBody("part2"u8.ToArray()));
        await send(new HttpResponseTrailers([new("x-checksum", "abc123")], moreTrailers: true));
        await send(new HttpResponseTrailers([new("x-status", "ok")]));
    };

    [Fact]
    public async Task Http2_trailers_are_advertised_and_delivered()
    {
        var advertised = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await KestrelTestHost.StartAsync(TrailerApp(advertised), KestrelTestHost.LifespanOff);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.TE.ParseAdd("trailers");
        using var response = await server.CreateClient(KestrelProtocol.Http2).SendAsync(request);
        Assert.Equal("part1;part2", await response.Content.ReadAsStringAsync());
        Assert.True(await advertised.Task.WaitAsync(s_timeout));
        Assert.Equal("abc123", Assert.Single(response.TrailingHeaders.GetValues("x-checksum")));
        Assert.Equal("ok", Assert.Single(response.TrailingHeaders.GetValues("x-status")));
    }

    [Fact]
    public async Task Http2_trailers_follow_a_single_body_message()
    {
        await using var server = await KestrelTestHost.StartAsync(async (_, _, send) =>
        {
            await send(new HttpResponseStart(200, trailers: true));
            await send(new HttpResponseBody("whole"u8.ToArray()));
            await send(new HttpResponseTrailers([new("grpc-status", "0")]));
        }, KestrelTestHost.LifespanOff);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.TE.ParseAdd("trailers");
        using var response = await server.CreateClient(KestrelProtocol.Http2).SendAsync(request);
        Assert.Equal("whole", await response.Content.ReadAsStringAsync());
        Assert.Equal("0", Assert.Single(response.TrailingHeaders.GetValues("grpc-status")));
    }

    /// <summary>The extension: trailers go out only to a client that sent <c>TE: trailers</c>, on HTTP/2 as well.</summary>
    [Fact]
    public async Task Http2_without_te_trailers_does_not_advertise_trailers_and_drops_them_cleanly()
    {
        var advertised = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await KestrelTestHost.StartAsync(TrailerApp(advertised), KestrelTestHost.LifespanOff);
        using var response = await server.CreateClient(KestrelProtocol.Http2).GetAsync("/");
        Assert.Equal("part1;part2", await response.Content.ReadAsStringAsync());
        Assert.False(await advertised.Task.WaitAsync(s_timeout));
        Assert.Empty(response.TrailingHeaders);
        Assert.Contains(server.Logs.BridgeEntries, e => e.EventId.Id == 9);
    }

    /// <summary>
    /// Kestrel does not write HTTP/1.1 chunked trailers (its response trailers feature exists only on HTTP/2 and
    /// HTTP/3), so the bridge must not advertise the extension on HTTP/1.1 even to a client that sent
    /// <c>TE: trailers</c>; trailers an app sends anyway are dropped (Debug event 9) and the body still completes.
    /// </summary>
    [Fact]
    public async Task Http11_with_te_trailers_does_not_advertise_trailers_and_drops_them_cleanly()
    {
        var advertised = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await KestrelTestHost.StartAsync(TrailerApp(advertised), KestrelTestHost.LifespanOff);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.TE.ParseAdd("trailers");
        using var response = await server.CreateClient(KestrelProtocol.Http1).SendAsync(request);
        Assert.Equal("part1;part2", await response.Content.ReadAsStringAsync());
        Assert.False(await advertised.Task.WaitAsync(s_timeout));
        Assert.Empty(response.TrailingHeaders);
        Assert.True(response.Headers.TransferEncodingChunked);
        await server.Logs.WaitForAsync(9);
        Assert.Empty(server.Logs.BridgeProblems);
    }

    /// <summary>The premise of the test above, checked on Kestrel itself without the bridge.</summary>
    [Fact]
    public async Task Kestrel_itself_supports_response_trailers_on_http2_only()
    {
        await using var server = await KestrelTestHost.StartAsync(app => app.Run(async context =>
        {
            var supported = context.Response.SupportsTrailers();
            if (supported)
            {
                context.Response.DeclareTrailer("x-raw");
            }

            await context.Response.WriteAsync(supported ? "supported" : "unsupported");
            if (supported)
            {
                context.Response.AppendTrailer("x-raw", "1");
            }
        }), KestrelTestHost.LifespanOff);

        foreach (var (protocol, expected) in new[] { (KestrelProtocol.Http1, "unsupported"), (KestrelProtocol.Http2, "supported") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.TE.ParseAdd("trailers");
            using var response = await server.CreateClient(protocol).SendAsync(request);
            Assert.Equal(expected, await response.Content.ReadAsStringAsync());
            Assert.Equal(protocol == KestrelProtocol.Http2, response.TrailingHeaders.Contains("x-raw"));
        }
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Trailers_out_of_order_raise(KestrelProtocol protocol)
    {
        var errors = new TaskCompletionSource<(Exception? NotAnnounced, Exception? BeforeFinalBody, Exception? BodyAfterFinal)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await KestrelTestHost.StartAsync(async (scope, _, send) =>
        {
            if (((HttpScope)scope).Path == "/unannounced")
            {
                await send(new HttpResponseStart(200));
                var notAnnounced = await Record(() => send(new HttpResponseTrailers([new("x-a", "1")])));
                await send(new HttpResponseBody("ok"u8.ToArray()));
                errors.SetResult((notAnnounced, null, null));
                return;
            }

            await send(new HttpResponseStart(200, trailers: true));
            await send(new HttpResponseBody("a"u8.ToArray(), moreBody: true));
            var early = await Record(() => send(new HttpResponseTrailers([new("x-a", "1")])));
            await send(new HttpResponseBody("b"u8.ToArray()));
            var late = await Record(() => send(new HttpResponseBody("c"u8.ToArray())));
            await send(new HttpResponseTrailers([new("x-a", "1")]));
            errors.SetResult((null, early, late));
        }, KestrelTestHost.LifespanOff);

        var client = server.CreateClient(protocol);
        using (var response = await client.GetAsync("/announced"))
        {
            Assert.Equal("ab", await response.Content.ReadAsStringAsync());
        }

        var (_, early, late) = await errors.Task.WaitAsync(s_timeout);
        Assert.IsType<AsgiProtocolException>(early);
        Assert.IsType<AsgiProtocolException>(late);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Trailers_without_announcement_raise(KestrelProtocol protocol)
    {
        var raised = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await KestrelTestHost.StartAsync(async (_, _, send) =>
        {
            await send(new HttpResponseStart(200));
            raised.SetResult(await Record(() => send(new HttpResponseTrailers([new("x-a", "1")]))));
            await send(new HttpResponseBody("ok"u8.ToArray()));
        }, KestrelTestHost.LifespanOff);

        using var response = await server.CreateClient(protocol).GetAsync("/");
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        Assert.IsType<AsgiProtocolException>(await raised.Task.WaitAsync(s_timeout));
    }

    private static async Task<Exception?> Record(Func<ValueTask> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }
}
