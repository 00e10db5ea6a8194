using AsgiBridge.Messages;

namespace AsgiBridge.Testing.Tests.Http;

/// <summary>The test client applies the server's send rules (the shared HttpResponseStateMachine) and reports violations.</summary>
public sealed class ValidationTests
{
    private static readonly HttpResponseStart s_ok = new(200);

    public static TheoryData<string, string> ViolationsBeforeTheResponseStarts => new()
    {
        { "body-before-start", "expected 'http.response.start' first" },
        { "start-twice", "the response was already started" },
        { "header-with-newline", "contains CR, LF or NUL" },
        { "pseudo-header", "pseudo-header ':status' is not allowed" },
        { "bad-content-length", "content-length 'ten' is not a valid length" },
        { "bad-status", "42 is not a valid HTTP status" },
        { "informational-status", "101 is an informational status" },
        { "content-length-too-short", "declared content-length 10" },
        { "body-on-204", "a 204 response cannot have a body" },
        { "body-on-304", "a 304 response cannot have a body" },
        { "trailers-not-announced", "trailers were not announced" },
        { "trailers-before-final-body", "trailers must follow the final http.response.body" },
        { "pathsend-relative", "is not an absolute path" },
        { "push", "server push is not supported" },
        { "websocket-message", "is not a message an application can send on an 'http' connection" },
        { "debug-after-start", "must be sent before http.response.start" },
    };

    private static AsgiApp Violation(string name) => TestApps.Http(async (scope, receive, send) =>
    {
        switch (name)
        {
            case "body-before-start":
                await send(new HttpResponseBody("x"u8.ToArray()));
                break;
            case "start-twice":
                await send(s_ok);
                await send(s_ok);
                break;
            case "informational-status":
                await send(new HttpResponseStart(101));
                break;
            case "content-length-too-short":
                await send(new HttpResponseStart(200, [new("content-length", "10")]));
                await send(new HttpResponseBody("short"u8.ToArray()));
                break;
            case "header-with-newline":
                await send(new HttpResponseStart(200, [new("x-a", "one\r\nx-injected: two")]));
                break;
            case "pseudo-header":
                await send(new HttpResponseStart(200, [new(":status", "200")]));
                break;
            case "bad-content-length":
                await send(new HttpResponseStart(200, [new("content-length", "ten")]));
                break;
            case "bad-status":
                await send(new HttpResponseStart(42));
                break;
            case "body-on-204":
                await send(new HttpResponseStart(204));
                await send(new HttpResponseBody("x"u8.ToArray()));
                break;
            case "body-on-304":
                await send(new HttpResponseStart(304));
                await send(new HttpResponseBody("x"u8.ToArray()));
                break;
            case "trailers-not-announced":
                await send(s_ok);
                await send(new HttpResponseTrailers([new("x-a", "1")]));
                break;
            case "trailers-before-final-body":
                await send(new HttpResponseStart(200, trailers: true));
                await send(new HttpResponseTrailers([new("x-a", "1")]));
                break;
            case "pathsend-relative":
                await send(s_ok);
                await send(new HttpResponsePathSend("relative/file.txt"));
                break;
            case "push":
                await send(s_ok);
                await send(new HttpResponsePush("/style.css"));
                break;
            case "websocket-message":
                await send(WebSocketAccept.Default);
                break;
            case "debug-after-start":
                await send(s_ok);
                await send(new HttpResponseDebug(new Dictionary<string, object?>()));
                break;
        }
    });

    [Theory]
    [MemberData(nameof(ViolationsBeforeTheResponseStarts))]
    public async Task Violation_is_raised_into_the_test(string name, string expected)
    {
        await using var client = new AsgiTestClient(Violation(name));

        var error = await Assert.ThrowsAsync<AsgiProtocolException>(() => client.GetAsync("/"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ViolationsBeforeTheResponseStarts))]
    public async Task Violation_becomes_the_servers_500_when_exceptions_are_not_raised(string name, string expected)
    {
        _ = expected;
        await using var client = new AsgiTestClient(Violation(name), new AsgiTestClientOptions { RaiseServerExceptions = false });

        var response = await client.GetAsync("/");

        Assert.Equal(500, response.Status);
        Assert.Equal("Internal Server Error", response.Text);
    }

    [Fact]
    public async Task Message_after_completion_is_reported_even_after_the_response_was_delivered()
    {
        var app = TestApps.Http(async (scope, receive, send) =>
        {
            await TestApps.SendText(send, 200, "done");
            await send(new HttpResponseBody("late"u8.ToArray()));
        });
        await using var strict = new AsgiTestClient(app);
        await using var lenient = new AsgiTestClient(app, new AsgiTestClientOptions { RaiseServerExceptions = false });

        var error = await Assert.ThrowsAsync<AsgiProtocolException>(() => strict.GetAsync("/"));
        var response = await lenient.GetAsync("/");

        Assert.Contains("the response is already complete", error.Message, StringComparison.Ordinal);
        Assert.Equal("done", response.Text);
    }

    [Fact]
    public async Task Body_after_the_final_body_with_trailers_pending_is_rejected()
    {
        var app = TestApps.Http(async (scope, receive, send) =>
        {
            await send(new HttpResponseStart(200, trailers: true));
            await send(new HttpResponseBody("x"u8.ToArray()));
            await send(new HttpResponseBody("y"u8.ToArray()));
        });
        await using var client = new AsgiTestClient(app);

        var error = await Assert.ThrowsAsync<AsgiProtocolException>(() => client.GetAsync("/"));

        Assert.Contains("only 'http.response.trailers' may follow", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pathsend_mixed_with_body_aborts_the_started_response()
    {
        var path = Path.GetTempFileName();
        try
        {
            var app = TestApps.Http(async (scope, receive, send) =>
            {
                await send(s_ok);
                await send(new HttpResponseBody("x"u8.ToArray(), moreBody: true));
                await send(new HttpResponsePathSend(path));
            });
            await using var strict = new AsgiTestClient(app);
            await using var lenient = new AsgiTestClient(app, new AsgiTestClientOptions { RaiseServerExceptions = false });

            var error = await Assert.ThrowsAsync<AsgiProtocolException>(() => strict.GetAsync("/"));
            var aborted = await Assert.ThrowsAnyAsync<Exception>(() => lenient.GetAsync("/"));

            Assert.Contains("cannot be mixed with http.response.body", error.Message, StringComparison.Ordinal);
            Assert.True(aborted is HttpRequestException or IOException, aborted.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Missing_pathsend_file_is_raised()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}");
        var app = TestApps.Http(async (scope, receive, send) =>
        {
            await send(s_ok);
            await send(new HttpResponsePathSend(missing));
        });
        await using var client = new AsgiTestClient(app);

        await Assert.ThrowsAsync<FileNotFoundException>(() => client.GetAsync("/"));
    }

    [Fact]
    public async Task Overlapping_sends_wait_in_call_order()
    {
        var queued = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var app = TestApps.Http(async (scope, receive, send) =>
        {
            await send(s_ok);

            // Nobody reads the body, so the queue fills up and a send stays pending, like a write to a slow client.
            ValueTask pending;
            do
            {
                pending = send(new HttpResponseBody(new byte[16], moreBody: true));
            }
            while (pending.IsCompleted);

            var second = send(new HttpResponseBody("x"u8.ToArray(), moreBody: true));
            queued.SetResult(!second.IsCompleted);
            await pending;
            await second;
            await send(new HttpResponseBody("end"u8.ToArray()));
        });
        await using var client = new AsgiTestClient(app);

        using var response = await client.StreamAsync(HttpMethod.Get, "/");
        Assert.True(await queued.Task.WaitAsync(TestApps.Timeout), "the second send completed while the first was still pending");
        var body = await response.Message.Content.ReadAsByteArrayAsync();

        Assert.Equal("xend", System.Text.Encoding.ASCII.GetString(body[^4..]));
    }

    [Fact]
    public async Task A_swallowed_violation_still_fails_the_test()
    {
        var app = TestApps.Http(async (scope, receive, send) =>
        {
            try
            {
                await send(new HttpResponseStart(200, [new("x bad", "1")]));
            }
            catch (AsgiProtocolException)
            {
                // An application that hides its own bug.
            }

            await TestApps.SendText(send, 200, "fine");
        });
        await using var client = new AsgiTestClient(app);

        var error = await Assert.ThrowsAsync<AsgiProtocolException>(() => client.GetAsync("/"));

        Assert.Contains("invalid character", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upper_case_header_names_are_lower_cased_as_on_the_server()
    {
        var app = TestApps.Http(async (scope, receive, send) =>
        {
            await send(new HttpResponseStart(200, [new("Content-Type", "text/plain"), new("X-Special", "1")]));
            await send(new HttpResponseBody("ok"u8.ToArray()));
        });
        await using var client = new AsgiTestClient(app);

        var response = await client.GetAsync("/");

        Assert.Equal("text/plain", response.GetHeader("content-type"));
        Assert.Equal("1", response.GetHeader("x-special"));
    }
}
