using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using AsgiBridge.Messages;

namespace AsgiBridge.Testing.Tests.Http;

public sealed class RequestBodyTests
{
    /// <summary>Echoes the request body with the request content-type; records every http.request event.</summary>
    private static AsgiApp Echo(List<HttpRequestBody> events) => TestApps.Http(async (scope, receive, send) =>
    {
        using var body = new MemoryStream();
        while (await receive() is HttpRequestBody chunk)
        {
            lock (events)
            {
                events.Add(chunk);
            }

            body.Write(chunk.Body.Span);
            if (!chunk.MoreBody)
            {
                break;
            }
        }

        await send(new HttpResponseStart(200, [new("content-type", scope.Headers.GetFirst("content-type") ?? "application/octet-stream")]));
        await send(new HttpResponseBody(body.ToArray()));
    });

    [Fact]
    public async Task Get_without_body_receives_one_empty_final_event()
    {
        var events = new List<HttpRequestBody>();
        await using var client = new AsgiTestClient(Echo(events));

        var response = await client.GetAsync("/");

        var only = Assert.Single(events);
        Assert.True(only.Body.IsEmpty);
        Assert.False(only.MoreBody);
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task Raw_bytes_arrive_in_one_final_chunk()
    {
        var events = new List<HttpRequestBody>();
        await using var client = new AsgiTestClient(Echo(events));

        var response = await client.PostAsync("/", AsgiContent.Bytes(new byte[] { 0, 1, 2, 255 }));

        Assert.Equal(new byte[] { 0, 1, 2, 255 }, response.Body);
        Assert.Equal("application/octet-stream", response.GetHeader("content-type"));
        Assert.False(Assert.Single(events).MoreBody);
    }

    [Fact]
    public async Task Json_body_is_serialized_with_web_defaults()
    {
        await using var client = new AsgiTestClient(Echo([]));

        var response = await client.PutAsync("/", AsgiContent.Json(new { Name = "Ada", Age = 36 }));

        Assert.Equal("application/json; charset=utf-8", response.GetHeader("content-type"));
        Assert.Equal("""{"name":"Ada","age":36}""", response.Text);
        Assert.Equal("Ada", response.Json().GetProperty("name").GetString());
        Assert.Equal(36, response.Json<Person>()!.Age);
    }

    [Fact]
    public async Task Form_body_is_url_encoded_in_order()
    {
        await using var client = new AsgiTestClient(Echo([]));

        var response = await client.PatchAsync("/", AsgiContent.Form(("a", "1 2"), ("a", "x&y"), ("b", "é")));

        Assert.Equal("application/x-www-form-urlencoded", response.GetHeader("content-type"));
        Assert.Equal("a=1+2&a=x%26y&b=%C3%A9", response.Text);
    }

    [Fact]
    public async Task Multipart_body_carries_fields_and_files()
    {
        await using var client = new AsgiTestClient(Echo([]));
        using var content = AsgiContent.Multipart(("title", "report"));
        content.Add(new ByteArrayContent(TestApps.Utf8("file-bytes")), "upload", "report.txt");

        var response = await client.PostAsync("/", content);

        Assert.StartsWith("multipart/form-data; boundary=", response.GetHeader("content-type"), StringComparison.Ordinal);
        Assert.Contains("name=title", response.Text, StringComparison.Ordinal);
        Assert.Contains("report", response.Text, StringComparison.Ordinal);
        Assert.Contains("filename=report.txt", response.Text, StringComparison.Ordinal);
        Assert.Contains("file-bytes", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streamed_body_reaches_the_application_as_several_events_with_more_body()
    {
        // Each chunk waits until the application received the previous one, so the server cannot merge them.
        var events = new List<HttpRequestBody>();
        var received = new SemaphoreSlim(0);
        var app = TestApps.Http(async (scope, receive, send) =>
        {
            while (await receive() is HttpRequestBody chunk)
            {
                events.Add(chunk);
                received.Release();
                if (!chunk.MoreBody)
                {
                    break;
                }
            }

            await TestApps.SendText(send, 200, string.Concat(events.Select(e => Encoding.UTF8.GetString(e.Body.Span))));
        });
        await using var client = new AsgiTestClient(app);

        var response = await client.PostAsync("/", AsgiContent.Streamed(Paced(received, "one,", "two,", "three")));

        Assert.Equal("one,two,three", response.Text);
        Assert.Equal(["one,", "two,", "three"], events.Where(e => !e.Body.IsEmpty).Select(e => Encoding.UTF8.GetString(e.Body.Span)));
        Assert.All(events.SkipLast(1), e => Assert.True(e.MoreBody));
        Assert.False(events[^1].MoreBody);

        static async IAsyncEnumerable<ReadOnlyMemory<byte>> Paced(SemaphoreSlim received, params string[] chunks)
        {
            for (var i = 0; i < chunks.Length; i++)
            {
                if (i > 0)
                {
                    Assert.True(await received.WaitAsync(TestApps.Timeout));
                }

                yield return TestApps.Utf8(chunks[i]);
            }
        }
    }

    [Fact]
    public async Task Streamed_body_can_be_sent_while_the_application_answers()
    {
        // Full duplex: the application answers each request chunk before the test sends the next one.
        var app = TestApps.Http(async (scope, receive, send) =>
        {
            await send(new HttpResponseStart(200));
            while (await receive() is HttpRequestBody chunk)
            {
                await send(new HttpResponseBody(chunk.Body, moreBody: chunk.MoreBody));
                if (!chunk.MoreBody)
                {
                    return;
                }
            }
        });
        await using var client = new AsgiTestClient(app);
        var next = new SemaphoreSlim(0);

        await using var response = await client.StreamAsync(HttpMethod.Post, "/", AsgiContent.Streamed(Chunks(next)));
        var received = new List<string>();
        await foreach (var chunk in response.ReadChunksAsync())
        {
            received.Add(Encoding.UTF8.GetString(chunk.Span));
            next.Release();
        }

        Assert.Equal(["ping-0", "ping-1", "ping-2"], received);

        static async IAsyncEnumerable<ReadOnlyMemory<byte>> Chunks(SemaphoreSlim next, [EnumeratorCancellation] CancellationToken token = default)
        {
            for (var i = 0; i < 3; i++)
            {
                if (i > 0)
                {
                    Assert.True(await next.WaitAsync(TestApps.Timeout, token));
                }

                yield return TestApps.Utf8($"ping-{i}");
            }
        }
    }

    [Fact]
    public async Task Receive_after_the_body_waits_for_the_response_then_reports_disconnect()
    {
        var afterResponse = new TaskCompletionSource<AsgiMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var app = TestApps.Http(async (scope, receive, send) =>
        {
            await TestApps.ReadBody(receive);
            var pending = receive().AsTask();
            Assert.False(pending.IsCompleted);
            await TestApps.SendText(send, 200, "done");
            afterResponse.SetResult(await pending);
        });
        await using var client = new AsgiTestClient(app);

        var response = await client.PostAsync("/", AsgiContent.Text("x"));

        Assert.Equal("done", response.Text);
        Assert.Same(HttpDisconnect.Instance, await afterResponse.Task.WaitAsync(TestApps.Timeout));
    }

    private sealed record Person(string Name, int Age);
}
