using System.Net;
using System.Text;
using AsgiBridge.Messages;

namespace AsgiBridge.Testing.Tests.Http;

public sealed class ResponseTests
{
    [Fact]
    public async Task Status_multi_value_headers_and_single_body_content_length()
    {
        var app = TestApps.Http(async (scope, receive, send) =>
        {
            await send(new HttpResponseStart(201,
            [
                new("content-type", "application/json"),
                new("x-tag", "a"),
                new("x-tag", "b"),
                new("vary", "accept"),
            ]));
            await send(new HttpResponseBody("""{"ok":true}"""u8.ToArray()));
        });
        await using var client = new AsgiTestClient(app);

        var response = await client.GetAsync("/");

        Assert.Equal(201, response.Status);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(["a", "b"], response.GetHeaders("x-tag"));
        Assert.Equal("11", response.GetHeader("content-length"));
        Assert.True(response.Json().GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Streamed_body_has_no_content_length_and_is_concatenated()
    {
        var app = TestApps.Http(async (scope, receive, send) =>
        {
            await send(new HttpResponseStart(200));
            await send(new HttpResponseBody("a"u8.ToArray(), moreBody: true));
            await send(new HttpResponseBody(ReadOnlyMemory<byte>.Empty, moreBody: true));
            await send(new HttpResponseBody("b"u8.ToArray(), moreBody: true));
            await send(new HttpResponseBody("c"u8.ToArray()));
        });
        await using var client = new AsgiTestClient(app);

        var response = await client.GetAsync("/");

        Assert.Equal("abc", response.Text);
        Assert.Null(response.GetHeader("content-length"));
    }

    [Fact]
    public async Task Declared_content_length_is_kept()
    {
        var app = TestApps.Http(async (scope, receive, send) =>
        {
            await send(new HttpResponseStart(200, [new("content-length", "4")]));
            await send(new HttpResponseBody("ab"u8.ToArray(), moreBody: true));
            await send(new HttpResponseBody("cd"u8.ToArray()));
        });
        await using var client = new AsgiTestClient(app);

        var response = await client.GetAsync("/");

        Assert.Equal("4", response.GetHeader("content-length"));
        Assert.Equal("abcd", response.Text);
    }

    [Fact]
    public async Task Streaming_response_is_readable_before_the_application_finishes()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var app = TestApps.Http(async (scope, receive, send) =>
        {
            await send(new HttpResponseStart(200, [new("content-type", "text/event-stream")]));
            await send(new HttpResponseBody("data: one\n\n"u8.ToArray(), moreBody: true));
            await release.Task;
            await send(new HttpResponseBody("data: two\n\n"u8.ToArray()));
        });
        await using var client = new AsgiTestClient(app);

        await using var response = await client.StreamAsync(HttpMethod.Get, "/events");
        await using var chunks = response.ReadChunksAsync().GetAsyncEnumerator();

        Assert.Equal("text/event-stream", response.GetHeader("content-type"));
        Assert.True(await chunks.MoveNextAsync().AsTask().WaitAsync(TestApps.Timeout));
        Assert.Equal("data: one\n\n", Encoding.UTF8.GetString(chunks.Current.Span));
        release.SetResult();
        Assert.True(await chunks.MoveNextAsync().AsTask().WaitAsync(TestApps.Timeout));
        Assert.Equal("data: two\n\n", Encoding.UTF8.GetString(chunks.Current.Span));
        Assert.False(await chunks.MoveNextAsync());
    }

    [Fact]
    public async Task Server_sent_events_can_be_read_line_by_line()
    {
        var app = TestApps.Http(async (scope, receive, send) =>
        {
            await send(new HttpResponseStart(200, [new("content-type", "text/event-stream")]));
            for (var i = 0; i < 3; i++)
            {
                await send(new HttpResponseBody(TestApps.Utf8($"data: {i}\n\n"), moreBody: true));
            }

            await send(HttpResponseBody.Empty);
        });
        await using var client = new AsgiTestClient(app);

        await using var response = await client.StreamAsync(HttpMethod.Get, "/events");
        var data = new List<string>();
        await foreach (var line in response.ReadLinesAsync())
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Add(line[6..]);
            }
        }

        Assert.Equal(["0", "1", "2"], data);
    }

    [Fact]
    public async Task Disposing_a_streaming_response_disconnects_the_client()
    {
        var outcome = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var disconnect = new TaskCompletionSource<AsgiMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var app = TestApps.Http(async (scope, receive, send) =>
        {
            await receive();
            await send(new HttpResponseStart(200));
            await send(new HttpResponseBody("first"u8.ToArray(), moreBody: true));
            disconnect.SetResult(await receive());
            try
            {
                await send(new HttpResponseBody("more"u8.ToArray(), moreBody: true));
                outcome.SetResult(null);
            }
            catch (Exception ex)
            {
                outcome.SetResult(ex);
                throw;
            }
        });
        await using var client = new AsgiTestClient(app);

        var response = await client.StreamAsync(HttpMethod.Get, "/");
        await using (var chunks = response.ReadChunksAsync().GetAsyncEnumerator())
        {
            Assert.True(await chunks.MoveNextAsync());
        }

        response.Dispose();

        Assert.Same(HttpDisconnect.Instance, await disconnect.Task.WaitAsync(TestApps.Timeout));
        Assert.IsType<AsgiClientDisconnectedException>(await outcome.Task.WaitAsync(TestApps.Timeout));
    }

    [Fact]
    public async Task Cancelling_the_request_disconnects_the_client()
    {
        var disconnect = new TaskCompletionSource<AsgiMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var app = TestApps.Http(async (scope, receive, send) =>
        {
            await receive();
            started.SetResult();
            disconnect.SetResult(await receive());
        });
        await using var client = new AsgiTestClient(app);
        using var cancel = new CancellationTokenSource();

        var request = client.GetAsync("/", cancellationToken: cancel.Token);
        await started.Task.WaitAsync(TestApps.Timeout);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        Assert.Same(HttpDisconnect.Instance, await disconnect.Task.WaitAsync(TestApps.Timeout));
    }

    [Fact]
    public async Task Head_response_keeps_headers_and_drops_the_body()
    {
        await using var client = new AsgiTestClient((scope, receive, send) => TestApps.SendText(send, 200, "hello"));

        var response = await client.HeadAsync("/");

        Assert.Equal(200, response.Status);
        Assert.Empty(response.Body);
        Assert.Equal("5", response.GetHeader("content-length"));
        Assert.Equal("text/plain; charset=utf-8", response.GetHeader("content-type"));
    }

    [Fact]
    public async Task No_content_response_has_no_content_length()
    {
        var app = TestApps.Http(async (scope, receive, send) =>
        {
            await send(new HttpResponseStart(204));
            await send(HttpResponseBody.Empty);
        });
        await using var client = new AsgiTestClient(app);

        var response = await client.DeleteAsync("/item");

        Assert.Equal(204, response.Status);
        Assert.Null(response.GetHeader("content-length"));
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task Trailers_reach_the_client_when_advertised()
    {
        var app = TestApps.Http(async (scope, receive, send) =>
        {
            var trailers = scope.SupportsExtension(AsgiExtensionNames.Trailers);
            await send(new HttpResponseStart(200, [new("trailer", "x-checksum")], trailers: trailers));
            await send(new HttpResponseBody("payload"u8.ToArray()));
            if (trailers)
            {
                await send(new HttpResponseTrailers([new("x-checksum", "abc")], moreTrailers: true));
                await send(new HttpResponseTrailers([new("x-extra", "1")]));
            }
        });
        await using var client = new AsgiTestClient(app, new AsgiTestClientOptions { UseHttp2 = true });

        // The extension: trailers go out only to a client that announced 'TE: trailers'.
        var response = await client.GetAsync("/", new() { Headers = { ("te", "trailers") } });

        Assert.Equal("payload", response.Text);
        Assert.Null(response.GetHeader("content-length"));
        Assert.Equal([new AsgiHeader("x-checksum", "abc"), new AsgiHeader("x-extra", "1")], response.Trailers);
        Assert.Equal(HttpVersion.Version20, response.Message.Version);
    }

    [Fact]
    public async Task Announced_trailers_are_dropped_when_the_client_cannot_receive_them()
    {
        // Over HTTP/1.1 without 'TE: trailers' the server validates and drops them; so does the test client.
        var app = TestApps.Http(async (scope, receive, send) =>
        {
            await send(new HttpResponseStart(200, trailers: true));
            await send(new HttpResponseBody("payload"u8.ToArray()));
            await send(new HttpResponseTrailers([new("x-checksum", "abc")]));
        });
        await using var client = new AsgiTestClient(app);

        var response = await client.GetAsync("/");

        Assert.Equal("payload", response.Text);
        Assert.Empty(response.Trailers);
    }

    [Fact]
    public async Task Pathsend_sends_the_file_with_its_length()
    {
        var path = Path.Combine(Path.GetTempPath(), $"asgi-testing-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(path, "file contents");
        try
        {
            var app = TestApps.Http(async (scope, receive, send) =>
            {
                Assert.True(scope.SupportsExtension(AsgiExtensionNames.PathSend));
                await send(new HttpResponseStart(200, [new("content-type", "text/plain")]));
                await send(new HttpResponsePathSend(path));
            });
            await using var client = new AsgiTestClient(app);

            var response = await client.GetAsync("/file");

            Assert.Equal("file contents", response.Text);
            Assert.Equal("13", response.GetHeader("content-length"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Latin1_header_values_are_sent_as_their_bytes()
    {
        var app = TestApps.Http((scope, receive, send) => TestApps.SendText(send, 200, "ok", new AsgiHeader("x-name", "caf\u00e9")));
        await using var client = new AsgiTestClient(app);

        var response = await client.GetAsync("/");

        Assert.Equal(200, response.Status);
        Assert.Equal("caf\u00e9", response.GetHeader("x-name"));
    }

    [Fact]
    public async Task Control_characters_in_header_values_are_rejected_by_send()
    {
        var app = TestApps.Http((scope, receive, send) => TestApps.SendText(send, 200, "ok", new AsgiHeader("x-name", "a\u0001b")));
        await using var client = new AsgiTestClient(app);

        var error = await Assert.ThrowsAsync<AsgiProtocolException>(() => client.GetAsync("/"));
        Assert.Contains("control character", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Debug_info_is_captured()
    {
        var app = TestApps.Http(async (scope, receive, send) =>
        {
            await send(new HttpResponseDebug(new Dictionary<string, object?> { ["template"] = "index.html" }));
            await TestApps.SendText(send, 200, "ok");
        });
        await using var client = new AsgiTestClient(app);

        var response = await client.GetAsync("/");

        Assert.Equal("index.html", response.DebugInfo!["template"]);
    }

    [Fact]
    public async Task A_plain_HttpClient_works_through_the_handler()
    {
        await using var client = new AsgiTestClient((scope, receive, send) => TestApps.SendText(send, 200, "via HttpClient"));

        using var response = await client.Http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("via HttpClient", await response.Content.ReadAsStringAsync());
        Assert.Equal(14, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task The_handler_can_back_an_HttpClient_of_your_own()
    {
        await using var client = new AsgiTestClient((scope, receive, send) => TestApps.SendText(send, 200, "own client"));
        using var http = new HttpClient(client.Handler, disposeHandler: false) { BaseAddress = new Uri("http://testserver/") };

        Assert.Equal("own client", await http.GetStringAsync("/"));
    }
}
