using System.Runtime.CompilerServices;
using System.Text;
using AsgiBridge.Hosting;
using AsgiBridge.Messages;

namespace AsgiBridge.Testing.Tests.Porting;

/// <summary>The porting contract (issue 11) through the test client, HTTP: items 1, 2, 3, 4 and 6.</summary>
public sealed class PortingHttpTests
{
    private static readonly AsgiTestClientOptions s_lenient = new() { RaiseServerExceptions = false };

    private static AsgiApp HttpOnly(AsgiApp app) => (scope, receive, send) =>
        scope is HttpScope ? app(scope, receive, send) : throw new NotSupportedException(scope.Type);

    private static readonly AsgiApp s_uppercase = HttpOnly(async (scope, receive, send) =>
    {
        await send(new HttpResponseStart(200, [new("Content-Type", "text/plain"), new("X-Special", "Yes")]));
        await send(new HttpResponseBody("ok"u8.ToArray()));
    });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Item1_upper_case_response_header_names_arrive_lower_cased(bool http2)
    {
        await using var client = new AsgiTestClient(s_uppercase, new AsgiTestClientOptions { UseHttp2 = http2 });

        var response = await client.GetAsync("/");

        Assert.Equal("ok", response.Text);
        Assert.Contains(new AsgiHeader("x-special", "Yes"), response.Headers);
        Assert.Contains(new AsgiHeader("content-type", "text/plain"), response.Headers);
    }

    [Fact]
    public async Task Item1_the_strict_option_raises_from_send_and_the_client_re_raises_it()
    {
        await using var client = new AsgiTestClient(s_uppercase, new AsgiTestClientOptions { ConfigureBridge = o => o.RejectUppercaseResponseHeaderNames = true });

        var failure = await Assert.ThrowsAsync<AsgiProtocolException>(() => client.GetAsync("/"));

        Assert.Contains("Content-Type", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Item2_request_header_bytes_reach_the_scope_and_go_back_unchanged()
    {
        byte[]? seen = null;
        await using var client = new AsgiTestClient(HttpOnly(async (scope, receive, send) =>
        {
            var value = ((HttpScope)scope).Headers.GetFirst("x-name")!;
            seen = ((List<object?>)scope["headers"]!).Cast<List<object?>>().Where(h => Encoding.Latin1.GetString((byte[])h[0]!) == "x-name").Select(h => (byte[])h[1]!).Single();
            await send(new HttpResponseStart(200, [new("x-echo", value)]));
            await send(new HttpResponseBody());
        }));

        // 'abra\xc3\xa3o': one char per byte.
        var response = await client.GetAsync("/", new AsgiRequestOptions { Headers = { ("x-name", "abra\u00c3\u00a3o") } });

        Assert.Equal(new byte[] { 0x61, 0x62, 0x72, 0x61, 0xC3, 0xA3, 0x6F }, seen);
        Assert.Equal("abra\u00c3\u00a3o", response.GetHeader("x-echo"));
    }

    private static AsgiApp FlushThenFail(Task? clientRead = null) => HttpOnly(async (scope, receive, send) =>
    {
        await send(new HttpResponseStart(200));
        for (var i = 0; i < 3; i++)
        {
            await send(new HttpResponseBody(Encoding.ASCII.GetBytes($"chunk {i}\n"), moreBody: true));
        }

        if (clientRead is not null)
        {
            await clientRead.WaitAsync(TestApps.Timeout);
        }

        throw new InvalidOperationException("failed after flushing three chunks");
    });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Item3_flushed_chunks_arrive_then_the_response_is_cut_off(bool http2)
    {
        // The app fails only once the test has read every flushed chunk: TestServer drops what the test has not read yet
        // when the response is cut off (over Kestrel's HTTP/1.1 the bytes are already on the wire).
        var clientRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new AsgiTestClient(FlushThenFail(clientRead.Task), new AsgiTestClientOptions { RaiseServerExceptions = false, UseHttp2 = http2 });
        await using var response = await client.StreamAsync(HttpMethod.Get, "/");

        var received = new StringBuilder();
        var cut = await Record.ExceptionAsync(async () =>
        {
            await foreach (var chunk in response.ReadChunksAsync())
            {
                received.Append(Encoding.ASCII.GetString(chunk.Span));
                if (received.ToString().EndsWith("chunk 2\n", StringComparison.Ordinal))
                {
                    clientRead.TrySetResult();
                }
            }
        });

        Assert.Equal("chunk 0\nchunk 1\nchunk 2\n", received.ToString());
        Assert.IsAssignableFrom<IOException>(cut);
        var outcome = await response.WaitForOutcomeAsync();
        Assert.True(outcome.ResponseTruncated);
        Assert.Equal("failed after flushing three chunks", outcome.Exception!.Message);
    }

    [Fact]
    public async Task Item3_with_exceptions_raised_the_client_re_raises_the_apps_exception()
    {
        await using var client = new AsgiTestClient(FlushThenFail());

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetAsync("/"));

        Assert.Equal("failed after flushing three chunks", failure.Message);
    }

    [Theory]
    [InlineData(true, true, "yes")]
    [InlineData(true, false, "no")]
    [InlineData(false, true, "no")] // as on Kestrel, no HTTP/1.1 trailers
    public async Task Item4_trailers_are_offered_only_with_te_trailers(bool http2, bool te, string offered)
    {
        await using var client = new AsgiTestClient(HttpOnly(async (scope, receive, send) =>
        {
            var yes = scope.SupportsExtension(AsgiExtensionNames.Trailers);
            await send(new HttpResponseStart(200, [new("x-offered", yes ? "yes" : "no")], trailers: yes));
            await send(new HttpResponseBody("body"u8.ToArray()));
            if (yes)
            {
                await send(new HttpResponseTrailers([new("x-checksum", "abc")]));
            }
        }), new AsgiTestClientOptions { UseHttp2 = http2 });
        var options = new AsgiRequestOptions();
        if (te)
        {
            options.Headers.Add(("te", "trailers"));
        }

        var response = await client.GetAsync("/", options);

        Assert.Equal(offered, response.GetHeader("x-offered"));
        Assert.Equal(offered == "yes", response.Trailers.Contains("x-checksum"));
    }

    [Fact]
    public async Task Item6_a_receive_abandoned_after_a_timeout_is_joined_by_the_next_one()
    {
        var timedOut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new AsgiTestClient(HttpOnly(async (scope, receive, send) =>
        {
            var abandoned = receive().AsTask();
            Assert.NotSame(abandoned, await Task.WhenAny(abandoned, Task.Delay(TimeSpan.FromMilliseconds(50))));
            timedOut.TrySetResult();
            var next = await receive();
            var same = ReferenceEquals(next, await abandoned);
            await send(new HttpResponseStart(200));
            await send(new HttpResponseBody(Encoding.UTF8.GetBytes($"got {Encoding.UTF8.GetString(((HttpRequestBody)next).Body.Span)} same={same}")));
        }));

        var response = await client.PostAsync("/", AsgiContent.Streamed(HeldBack(timedOut.Task)));

        Assert.Equal("got hello same=True", response.Text);
        Assert.Null(response.Outcome!.Failure);
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> HeldBack(Task release, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await release.WaitAsync(TestApps.Timeout, cancellationToken);
        yield return "hello"u8.ToArray();
    }
}
