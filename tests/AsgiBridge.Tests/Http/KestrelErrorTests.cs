using System.Net;
using System.Text;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.TestInfrastructure.WebSockets;
using AsgiBridge.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Tests.Http;

/// <summary>Real Kestrel tier: every error row of the bridge, over HTTP/1.1 and h2c, with its log event.</summary>
public sealed class KestrelErrorTests
{
    private static readonly TimeSpan s_timeout = AsgiTestApps.Timeout;

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task App_raising_before_start_gives_500_logged_as_event_1(KestrelProtocol protocol)
    {
        await using var server = await KestrelTestHost.StartAsync((_, _, _) => throw new InvalidOperationException("boom"), KestrelTestHost.LifespanOff);
        using var response = await server.CreateClient(protocol).GetAsync("/");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("Internal Server Error", await response.Content.ReadAsStringAsync());
        var entry = await server.Logs.WaitForAsync(1);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.IsType<InvalidOperationException>(entry.Exception);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task App_returning_without_response_gives_500_logged_as_event_3(KestrelProtocol protocol)
    {
        await using var server = await KestrelTestHost.StartAsync((_, _, _) => Task.CompletedTask, KestrelTestHost.LifespanOff);
        using var response = await server.CreateClient(protocol).GetAsync("/");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(LogLevel.Error, (await server.Logs.WaitForAsync(3)).Level);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1, true)]
    [InlineData(KestrelProtocol.Http2, true)]
    [InlineData(KestrelProtocol.Http1, false)]
    [InlineData(KestrelProtocol.Http2, false)]
    public async Task App_failing_mid_stream_aborts_the_response(KestrelProtocol protocol, bool raises)
    {
        var headersSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await KestrelTestHost.StartAsync(async (_, _, send) =>
        {
            await send(new HttpResponseStart(200));
            await send(new HttpResponseBody("partial"u8.ToArray(), moreBody: true));
            await headersSeen.Task.WaitAsync(s_timeout);
            if (raises)
            {
                throw new InvalidOperationException("mid-stream failure");
            }
        }, KestrelTestHost.LifespanOff);

        var client = server.CreateClient(protocol);
        using var response = await client.GetAsync("/", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        headersSeen.SetResult();
        await using var body = await response.Content.ReadAsStreamAsync();
        var error = await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(Stream.Null).WaitAsync(s_timeout));
        if (protocol == KestrelProtocol.Http2)
        {
            var protocolError = Assert.IsType<HttpProtocolException>(error);
            Assert.Equal(2, protocolError.ErrorCode); // INTERNAL_ERROR: a stream reset, never a clean end.
        }

        var entry = await server.Logs.WaitForAsync(raises ? 2 : 4);
        Assert.Equal(LogLevel.Error, entry.Level);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Body_before_start_raises_in_the_app_and_escaping_gives_500(KestrelProtocol protocol)
    {
        var raised = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await KestrelTestHost.StartAsync(async (_, _, send) =>
        {
            try
            {
                await send(new HttpResponseBody("x"u8.ToArray()));
            }
            catch (Exception ex)
            {
                raised.SetResult(ex);
                throw;
            }
        }, KestrelTestHost.LifespanOff);

        using var response = await server.CreateClient(protocol).GetAsync("/");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.IsType<AsgiProtocolException>(await raised.Task.WaitAsync(s_timeout));
        Assert.IsType<AsgiProtocolException>((await server.Logs.WaitForAsync(1)).Exception);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Start_twice_raises_and_the_first_start_is_sent(KestrelProtocol protocol)
    {
        var raised = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await KestrelTestHost.StartAsync(async (_, _, send) =>
        {
            await send(new HttpResponseStart(202, [new("x-which", "first")]));
            try
            {
                await send(new HttpResponseStart(203, [new("x-which", "second")]));
                raised.SetResult(null);
            }
            catch (AsgiProtocolException ex)
            {
                raised.SetResult(ex);
            }

            await send(new HttpResponseBody("body"u8.ToArray()));
        }, KestrelTestHost.LifespanOff);

        using var response = await server.CreateClient(protocol).GetAsync("/");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("first", Assert.Single(response.Headers.GetValues("x-which")));
        Assert.NotNull(await raised.Task.WaitAsync(s_timeout));
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Send_after_completion_raises_and_escaping_is_logged_as_event_8_without_touching_the_response(KestrelProtocol protocol)
    {
        await using var server = await KestrelTestHost.StartAsync(async (_, _, send) =>
        {
            await AsgiTestApps.SendTextAsync(send, 200, "complete");
            await send(new HttpResponseBody("late"u8.ToArray()));
        }, KestrelTestHost.LifespanOff);

        using var response = await server.CreateClient(protocol).GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("complete", await response.Content.ReadAsStringAsync());
        var entry = await server.Logs.WaitForAsync(8);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.IsType<AsgiProtocolException>(entry.Exception);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http2, ":path")]
    [InlineData(KestrelProtocol.Http1, "")]
    [InlineData(KestrelProtocol.Http2, "x-inject", "a\r\nset-cookie: evil=1")]
    [InlineData(KestrelProtocol.Http1, "x-nul", "a\0b")]
    [InlineData(KestrelProtocol.Http2, "x-control", "a\u0001b")]
    [InlineData(KestrelProtocol.Http1, "x-wide", "\u20ac")]
    public async Task Invalid_header_raises_from_send_and_escaping_gives_500(KestrelProtocol protocol, string name, string value = "v")
    {
        await using var server = await KestrelTestHost.StartAsync(async (_, _, send) =>
        {
            await send(new HttpResponseStart(200, [new(name, value)]));
            await send(new HttpResponseBody("never"u8.ToArray()));
        }, KestrelTestHost.LifespanOff);

        using var response = await server.CreateClient(protocol).GetAsync("/");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.False(response.Headers.Contains("set-cookie"));
        var entry = await server.Logs.WaitForAsync(1);
        Assert.Equal("headers", Assert.IsType<AsgiProtocolException>(entry.Exception).Field);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Upper_case_header_names_are_lower_cased_as_uvicorn_accepts_them(KestrelProtocol protocol)
    {
        await using var server = await KestrelTestHost.StartAsync(async (_, _, send) =>
        {
            await send(new HttpResponseStart(200, [new("Content-Type", "text/plain"), new("X-Special", "1")]));
            await send(new HttpResponseBody("ok"u8.ToArray()));
        }, KestrelTestHost.LifespanOff);

        using var response = await server.CreateClient(protocol).GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("1", Assert.Single(response.Headers.GetValues("x-special")));
        Assert.Empty(server.Logs.BridgeProblems);
    }

    [Fact]
    public async Task Upper_case_header_names_raise_when_the_strict_option_is_on()
    {
        await using var server = await KestrelTestHost.StartAsync(async (_, _, send) =>
        {
            await send(new HttpResponseStart(200, [new("X-Upper", "v")]));
            await send(new HttpResponseBody("never"u8.ToArray()));
        }, options =>
        {
            KestrelTestHost.LifespanOff(options);
            options.RejectUppercaseResponseHeaderNames = true;
        });

        using var response = await server.CreateClient(KestrelProtocol.Http1).GetAsync("/");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var entry = await server.Logs.WaitForAsync(1);
        Assert.Contains("must be lower-case", Assert.IsType<AsgiProtocolException>(entry.Exception).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Latin1_header_bytes_reach_the_client_unchanged(KestrelProtocol protocol)
    {
        await using var server = await KestrelTestHost.StartAsync(async (_, _, send) =>
        {
            await send(new HttpResponseStart(200, [AsgiHeader.FromBytes("x-name"u8, [0x63, 0x61, 0x66, 0xE9])]));
            await send(new HttpResponseBody("ok"u8.ToArray()));
        }, KestrelTestHost.LifespanOff);

        using var response = await server.CreateClient(protocol).GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("caf\u00e9", Assert.Single(response.Headers.GetValues("x-name")));
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1, 204)]
    [InlineData(KestrelProtocol.Http2, 204)]
    [InlineData(KestrelProtocol.Http1, 304)]
    [InlineData(KestrelProtocol.Http2, 304)]
    public async Task Body_on_204_or_304_raises_and_escaping_gives_500(KestrelProtocol protocol, int status)
    {
        await using var server = await KestrelTestHost.StartAsync(async (_, _, send) =>
        {
            await send(new HttpResponseStart(status));
            await send(new HttpResponseBody("not allowed"u8.ToArray()));
        }, KestrelTestHost.LifespanOff);

        using var response = await server.CreateClient(protocol).GetAsync("/");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("body", Assert.IsType<AsgiProtocolException>((await server.Logs.WaitForAsync(1)).Exception).Field);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Status_204_with_empty_body_is_sent_without_content(KestrelProtocol protocol)
    {
        await using var server = await KestrelTestHost.StartAsync(async (_, _, send) =>
        {
            await send(new HttpResponseStart(204, [new("x-ok", "1")]));
            await send(HttpResponseBody.Empty);
        }, KestrelTestHost.LifespanOff);

        using var response = await server.CreateClient(protocol).GetAsync("/");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("1", Assert.Single(response.Headers.GetValues("x-ok")));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Empty(server.Logs.BridgeProblems);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1, 3, "more_body")]
    [InlineData(KestrelProtocol.Http2, 3, "more_body")]
    [InlineData(KestrelProtocol.Http1, 20, "body")]
    [InlineData(KestrelProtocol.Http2, 20, "body")]
    public async Task Body_not_matching_the_declared_content_length_raises_from_send_and_gives_500(KestrelProtocol protocol, int bodyLength, string field)
    {
        var sendError = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await KestrelTestHost.StartAsync(async (_, _, send) =>
        {
            await send(new HttpResponseStart(200, [new("content-length", "10")]));
            try
            {
                await send(new HttpResponseBody(new byte[bodyLength]));
                sendError.SetResult(null);
            }
            catch (Exception ex)
            {
                sendError.SetResult(ex);
                throw;
            }
        }, KestrelTestHost.LifespanOff);

        using var response = await server.CreateClient(protocol).GetAsync("/");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var error = Assert.IsType<AsgiProtocolException>(await sendError.Task.WaitAsync(s_timeout));
        Assert.Equal("http.response.body", error.MessageType);
        Assert.Equal(field, error.Field);
        Assert.Contains("content-length 10", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1, 3)]
    [InlineData(KestrelProtocol.Http2, 3)]
    [InlineData(KestrelProtocol.Http1, 20)]
    [InlineData(KestrelProtocol.Http2, 20)]
    public async Task Content_length_broken_after_bytes_were_flushed_never_looks_complete(KestrelProtocol protocol, int lastLength)
    {
        var sendError = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await KestrelTestHost.StartAsync(async (_, _, send) =>
        {
            await send(new HttpResponseStart(200, [new("content-length", "10")]));
            await send(new HttpResponseBody(new byte[2], moreBody: true));
            try
            {
                await send(new HttpResponseBody(new byte[lastLength]));
                sendError.SetResult(null);
            }
            catch (Exception ex)
            {
                sendError.SetResult(ex);
                throw;
            }
        }, KestrelTestHost.LifespanOff);

        var client = server.CreateClient(protocol);
        HttpStatusCode? status = null;
        var error = await Record(async () =>
        {
            using var response = await client.GetAsync("/", HttpCompletionOption.ResponseHeadersRead);
            status = response.StatusCode;
            await using var body = await response.Content.ReadAsStreamAsync();
            await body.CopyToAsync(Stream.Null);
        });
        Assert.True(error is HttpRequestException or IOException, $"expected an aborted transfer, got {error?.GetType().Name ?? "a complete response"} ({status})");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("content-length 10", Assert.IsType<AsgiProtocolException>(await sendError.Task.WaitAsync(s_timeout)).Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Error, (await server.Logs.WaitForAsync(2)).Level);
        Assert.DoesNotContain(server.Logs.BridgeEntries, e => e.EventId.Id == 8);
    }

    /// <summary>Over h2c the client's flow-control window holds a large chunk back until the client reads, so the first send stays pending.</summary>
    [Fact]
    public async Task Overlapping_sends_wait_while_the_first_is_held_by_flow_control()
    {
        var overlap = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await KestrelTestHost.StartAsync(async (_, _, send) =>
        {
            await send(new HttpResponseStart(200));
            var first = send(new HttpResponseBody(new byte[4 * 1024 * 1024], moreBody: true));
            if (first.IsCompleted)
            {
                overlap.SetResult(null);
            }
            else
            {
                var second = send(new HttpResponseBody("x"u8.ToArray(), moreBody: true));
                overlap.SetResult(second.IsCompleted ? new InvalidOperationException("the second send did not wait") : null);
                await second;
            }

            await first;
            await send(new HttpResponseBody("end"u8.ToArray()));
        }, KestrelTestHost.LifespanOff);

        using var response = await server.CreateClient(KestrelProtocol.Http2).GetAsync("/", HttpCompletionOption.ResponseHeadersRead);
        Assert.Null(await overlap.Task.WaitAsync(s_timeout));
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal((4 * 1024 * 1024) + 4, body.Length);
        Assert.Equal("xend", Encoding.ASCII.GetString(body[^4..]));
        Assert.Empty(server.Logs.BridgeProblems);
    }

    private static async Task<Exception?> Record(Func<Task> action)
    {
        try
        {
            await action().WaitAsync(s_timeout);
            return null;
        }
        catch (Exception ex) when (ex is not TimeoutException)
        {
            return ex;
        }
    }
}
