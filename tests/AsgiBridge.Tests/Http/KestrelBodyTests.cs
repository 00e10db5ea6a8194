using System.Net;
using System.Text;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Http;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.TestInfrastructure.WebSockets;
using AsgiBridge.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Tests.Http;

/// <summary>Real Kestrel tier: request and response bodies over HTTP/1.1 and h2c.</summary>
public sealed class KestrelBodyTests
{
    private static readonly TimeSpan s_timeout = AsgiTestApps.Timeout;

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Streamed_request_body_arrives_chunk_by_chunk_with_more_body(KestrelProtocol protocol)
    {
        var received = new List<HttpRequestBody>();
        var gotChunk = new SemaphoreSlim(0);
        await using var server = await KestrelTestHost.StartAsync(async (_, receive, send) =>
        {
            while (true)
            {
                var body = (HttpRequestBody)await receive();
                lock (received)
                {
                    received.Add(body);
                }

                gotChunk.Release();
                if (!body.MoreBody)
                {
                    break;
                }
            }

            await AsgiTestApps.SendTextAsync(send, 200, Encoding.ASCII.GetString(AsgiTestApps.Concat(received)));
        }, KestrelTestHost.LifespanOff);

        string[] pieces = ["alpha", "beta", "gamma"];
        var content = new StreamingContent(async stream =>
        {
            foreach (var piece in pieces)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(piece));
                await stream.FlushAsync();

                // The next piece is written only once the app has seen this one: proof that nothing is buffered whole.
                Assert.True(await gotChunk.WaitAsync(s_timeout));
            }
        });

        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = content };
        using var response = await server.CreateClient(protocol).SendAsync(request);
        Assert.Equal("alphabetagamma", await response.Content.ReadAsStringAsync());
        if (protocol == KestrelProtocol.Http1)
        {
            Assert.True(request.Headers.TransferEncodingChunked);
        }

        Assert.True(received.Count >= 4, $"expected one message per piece plus the end, got {received.Count}");
        Assert.All(received.SkipLast(1), m => Assert.True(m.MoreBody));
        Assert.False(received[^1].MoreBody);
        Assert.Equal(pieces, received.Take(3).Select(m => Encoding.ASCII.GetString(m.Body.Span)));
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Content_length_body_ends_with_more_body_false_on_the_last_byte(KestrelProtocol protocol)
    {
        List<HttpRequestBody>? received = null;
        await using var server = await KestrelTestHost.StartAsync(async (_, receive, send) =>
        {
            received = await AsgiTestApps.ReadAllAsync(receive);
            await AsgiTestApps.SendTextAsync(send, 200, Convert.ToHexString(AsgiTestApps.Concat(received)));
        }, KestrelTestHost.LifespanOff);

        var payload = Enumerable.Range(0, 300_000).Select(i => (byte)i).ToArray();
        using var response = await server.CreateClient(protocol).PostAsync("/", new ByteArrayContent(payload));
        Assert.Equal(Convert.ToHexString(payload), await response.Content.ReadAsStringAsync());
        Assert.False(received![^1].MoreBody);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Single_message_body_gets_content_length_and_streamed_body_does_not(KestrelProtocol protocol)
    {
        await using var server = await KestrelTestHost.StartAsync(async (scope, _, send) =>
        {
            await send(new HttpResponseStart(200, [new("transfer-encoding", "chunked")]));
            if (((HttpScope)scope).Path == "/single")
            {
                await send(new HttpResponseBody("0123456789"u8.ToArray()));
                return;
            }

            await send(new HttpResponseBody("01234"u8.ToArray(), moreBody: true));
            await send(new HttpResponseBody("56789"u8.ToArray()));
        }, KestrelTestHost.LifespanOff);

        var client = server.CreateClient(protocol);
        using (var single = await client.GetAsync("/single"))
        {
            Assert.Equal(10, single.Content.Headers.ContentLength);
            Assert.NotEqual(true, single.Headers.TransferEncodingChunked);
            Assert.Equal("0123456789", await single.Content.ReadAsStringAsync());
        }

        // Headers are checked before reading: buffering the content would make HttpClient compute a length.
        using var streamed = await client.GetAsync("/streamed", HttpCompletionOption.ResponseHeadersRead);
        Assert.Null(streamed.Content.Headers.ContentLength);
        if (protocol == KestrelProtocol.Http1)
        {
            Assert.True(streamed.Headers.TransferEncodingChunked);
        }

        Assert.Equal("0123456789", await streamed.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Each_streamed_chunk_is_flushed_before_send_returns(KestrelProtocol protocol)
    {
        var next = new SemaphoreSlim(0);
        await using var server = await KestrelTestHost.StartAsync(async (_, _, send) =>
        {
            await send(new HttpResponseStart(200));
            for (var i = 0; i < 3; i++)
            {
                await send(new HttpResponseBody(Encoding.ASCII.GetBytes($"chunk{i};"), moreBody: true));
                Assert.True(await next.WaitAsync(s_timeout));
            }

            await send(HttpResponseBody.Empty);
        }, KestrelTestHost.LifespanOff);

        using var response = await server.CreateClient(protocol).GetAsync("/", HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64];
        for (var i = 0; i < 3; i++)
        {
            // Each chunk arrives while the app is still waiting: it was flushed, not buffered.
            var expected = $"chunk{i};";
            var text = string.Empty;
            while (text.Length < expected.Length)
            {
                var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(s_timeout);
                Assert.NotEqual(0, read);
                text += Encoding.ASCII.GetString(buffer, 0, read);
            }

            Assert.Equal(expected, text);
            next.Release();
        }

        Assert.Equal(0, await stream.ReadAsync(buffer).AsTask().WaitAsync(s_timeout));
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1, "/single")]
    [InlineData(KestrelProtocol.Http2, "/single")]
    [InlineData(KestrelProtocol.Http1, "/declared")]
    [InlineData(KestrelProtocol.Http2, "/streamed")]
    public async Task Head_sends_headers_and_content_length_but_no_body(KestrelProtocol protocol, string path)
    {
        await using var server = await KestrelTestHost.StartAsync(async (scope, _, send) =>
        {
            var http = (HttpScope)scope;
            Assert.Equal("HEAD", http.Method);
            switch (http.Path)
            {
                case "/single":
                    await send(new HttpResponseStart(200, [new("x-kept", "yes")]));
                    await send(new HttpResponseBody("hello"u8.ToArray()));
                    break;
                case "/declared":
                    await send(new HttpResponseStart(200, [new("x-kept", "yes"), new("content-length", "5")]));
                    await send(HttpResponseBody.Empty);
                    break;
                default:
                    await send(new HttpResponseStart(200, [new("x-kept", "yes")]));
                    await send(new HttpResponseBody("hel"u8.ToArray(), moreBody: true));
                    await send(new HttpResponseBody("lo"u8.ToArray()));
                    break;
            }
        }, KestrelTestHost.LifespanOff);

        using var request = new HttpRequestMessage(HttpMethod.Head, path);
        using var response = await server.CreateClient(protocol).SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("yes", Assert.Single(response.Headers.GetValues("x-kept")));
        if (path != "/streamed")
        {
            Assert.Equal(5, response.Content.Headers.ContentLength);
        }

        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Empty(server.Logs.BridgeProblems);
    }

    [Fact]
    public async Task Expect_100_continue_is_answered_only_when_the_app_reads_the_body()
    {
        await using var server = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            if (((HttpScope)scope).Path == "/read")
            {
                var body = AsgiTestApps.Concat(await AsgiTestApps.ReadAllAsync(receive));
                await AsgiTestApps.SendTextAsync(send, 200, "got " + Encoding.ASCII.GetString(body));
                return;
            }

            await AsgiTestApps.SendTextAsync(send, 401, "no");
        }, KestrelTestHost.LifespanOff);

        const string Headers = "Host: localhost\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n";
        await using (var reading = await RawHttpConnection.ConnectAsync(server.Http1Address))
        {
            await reading.SendAsync("POST /read HTTP/1.1\r\n" + Headers);
            var interim = await reading.ReadUntilAsync("\r\n\r\n");
            Assert.StartsWith("HTTP/1.1 100 Continue\r\n", interim, StringComparison.Ordinal);
            await reading.SendAsync("ping");
            Assert.EndsWith("got ping", await reading.ReadUntilAsync("got ping"), StringComparison.Ordinal);
        }

        await using var refusing = await RawHttpConnection.ConnectAsync(server.Http1Address);
        await refusing.SendAsync("POST /refuse HTTP/1.1\r\n" + Headers);
        var text = await refusing.ReadUntilAsync("\r\n\r\nno");
        Assert.StartsWith("HTTP/1.1 401 ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("100 Continue", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Expect_100_continue_round_trip_with_http_client(KestrelProtocol protocol)
    {
        await using var server = await KestrelTestHost.StartAsync(async (_, receive, send) =>
        {
            var body = AsgiTestApps.Concat(await AsgiTestApps.ReadAllAsync(receive));
            await AsgiTestApps.SendTextAsync(send, 200, Encoding.ASCII.GetString(body));
        }, KestrelTestHost.LifespanOff);

        // A long client-side timeout: the body is only sent early because the server answered 100 Continue.
        var client = server.CreateClient(protocol, handler => handler.Expect100ContinueTimeout = TimeSpan.FromMinutes(1));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("continued") };
        request.Headers.ExpectContinue = true;
        using var response = await client.SendAsync(request).WaitAsync(s_timeout);
        Assert.Equal("continued", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1, true)]
    [InlineData(KestrelProtocol.Http2, true)]
    [InlineData(KestrelProtocol.Http1, false)]
    public async Task Oversized_body_is_rejected_with_413(KestrelProtocol protocol, bool knownLength)
    {
        await using var server = await KestrelTestHost.StartAsync(
            async (_, receive, send) =>
            {
                await AsgiTestApps.ReadAllAsync(receive);
                await AsgiTestApps.SendTextAsync(send, 200, "accepted");
            }, KestrelTestHost.LifespanOff,
            kestrel: kestrel => kestrel.Limits.MaxRequestBodySize = 1024);

        var payload = new byte[64 * 1024];
        HttpContent content = knownLength
            ? new ByteArrayContent(payload)
            : new StreamingContent(async stream =>
            {
                for (var i = 0; i < 16; i++)
                {
                    await stream.WriteAsync(payload.AsMemory(0, 4096));
                }
            });
        HttpResponseMessage response;
        try
        {
            response = await server.CreateClient(protocol).PostAsync("/", content);
        }
        catch (HttpRequestException)
        {
            // Kestrel may close an HTTP/1.1 connection before the client finished sending; the log is the evidence then.
            Assert.Equal(LogLevel.Debug, (await server.Logs.WaitForAsync(6)).Level);
            return;
        }

        using (response)
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        Assert.Equal(LogLevel.Debug, (await server.Logs.WaitForAsync(6)).Level);
        Assert.Empty(server.Logs.BridgeProblems);
    }

    [Fact]
    public async Task Malformed_chunked_body_is_rejected_with_400()
    {
        var appSaw = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await KestrelTestHost.StartAsync(async (_, receive, send) =>
        {
            try
            {
                await AsgiTestApps.ReadAllAsync(receive);
            }
            catch (Exception ex)
            {
                appSaw.SetResult(ex);
                throw;
            }

            await AsgiTestApps.SendTextAsync(send, 200, "accepted");
        }, KestrelTestHost.LifespanOff);

        await using var connection = await RawHttpConnection.ConnectAsync(server.Http1Address);
        await connection.SendAsync("POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nnot hex\r\n0\r\n\r\n");
        var text = await connection.ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 400 ", text, StringComparison.Ordinal);
        var error = Assert.IsType<AsgiBadRequestException>(await appSaw.Task.WaitAsync(s_timeout));
        Assert.Equal(400, error.StatusCode);
        Assert.IsType<Microsoft.AspNetCore.Http.BadHttpRequestException>(error.InnerException, exactMatch: false);
        Assert.Contains("status 400", (await server.Logs.WaitForAsync(6)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Receive_and_send_run_concurrently_on_a_duplex_h2_stream()
    {
        await using var server = await KestrelTestHost.StartAsync(async (_, receive, send) =>
        {
            var pending = receive();
            await send(new HttpResponseStart(200));
            await send(new HttpResponseBody("ready;"u8.ToArray(), moreBody: true));
            while (true)
            {
                var body = (HttpRequestBody)await pending;
                await send(new HttpResponseBody(body.Body, moreBody: body.MoreBody));
                if (!body.MoreBody)
                {
                    return;
                }

                pending = receive();
            }
        }, KestrelTestHost.LifespanOff);

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var content = new StreamingContent(async stream =>
        {
            await ready.Task.WaitAsync(s_timeout);
            await stream.WriteAsync("echo"u8.ToArray());
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = content };
        using var response = await server.CreateClient(KestrelProtocol.Http2).SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[6];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(s_timeout);
        Assert.Equal("ready;", Encoding.ASCII.GetString(buffer));
        ready.SetResult();
        using var reader = new StreamReader(stream);
        Assert.Equal("echo", await reader.ReadToEndAsync().WaitAsync(s_timeout));
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Duplicate_response_headers_are_kept_in_order(KestrelProtocol protocol)
    {
        await using var server = await KestrelTestHost.StartAsync(async (_, _, send) =>
        {
            await send(new HttpResponseStart(200, [new("set-cookie", "a=1"), new("x-one", "1"), new("set-cookie", "b=2")]));
            await send(new HttpResponseBody("ok"u8.ToArray()));
        }, KestrelTestHost.LifespanOff);

        using var response = await server.CreateClient(protocol).GetAsync("/");
        Assert.Equal(["a=1", "b=2"], response.Headers.GetValues("set-cookie"));
    }

    [Fact]
    public async Task Request_content_type_and_chunked_body_reach_the_app_de_chunked()
    {
        await using var server = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            var body = AsgiTestApps.Concat(await AsgiTestApps.ReadAllAsync(receive));
            await AsgiTestApps.SendTextAsync(send, 200, ((HttpScope)scope).Headers.GetFirst("transfer-encoding") + "|" + Encoding.ASCII.GetString(body));
        }, KestrelTestHost.LifespanOff);

        await using var connection = await RawHttpConnection.ConnectAsync(server.Http1Address);
        await connection.SendAsync("POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
        var text = await connection.ReadToEndAsync();
        Assert.EndsWith("chunked|abcde", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Connection_specific_headers_from_the_app_do_not_break_the_response(KestrelProtocol protocol)
    {
        await using var server = await KestrelTestHost.StartAsync(async (_, _, send) =>
        {
            await send(new HttpResponseStart(200, [new("keep-alive", "timeout=5"), new("transfer-encoding", "chunked"), new("upgrade", "h2c"), new("x-ok", "1")]));
            await send(new HttpResponseBody("fine"u8.ToArray()));
        }, KestrelTestHost.LifespanOff);

        using var response = await server.CreateClient(protocol).GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("fine", await response.Content.ReadAsStringAsync());
        Assert.Equal("1", Assert.Single(response.Headers.GetValues("x-ok")));
        Assert.Empty(server.Logs.BridgeProblems);
    }
}
