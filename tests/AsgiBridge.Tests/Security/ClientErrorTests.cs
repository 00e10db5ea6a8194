using System.Net;
using AsgiBridge.Hosting;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Http;
using AsgiBridge.TestInfrastructure.Kestrel;
using Microsoft.Extensions.Logging;
using TestApps = AsgiBridge.Tests.Infrastructure.AsgiTestApps;

namespace AsgiBridge.Tests.Security;

/// <summary>
/// Issues 10.6 (core) and 10.7 on real Kestrel: a body over the limit or a malformed chunk is the client's error (413,
/// 400), logged below Warning; a disconnect is Debug only; a body that breaks its declared content-length raises from
/// send, naming the message and field, and the client gets 500 when nothing was flushed.
/// </summary>
public sealed class ClientErrorTests
{
    private static readonly AsgiApp s_readsBody = async (scope, receive, send) =>
    {
        var body = TestApps.Concat(await TestApps.ReadAllAsync(receive));
        await TestApps.SendTextAsync(send, 200, "read " + body.Length);
    };

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task A_body_over_the_limit_raises_413_from_receive_and_the_client_gets_413(KestrelProtocol protocol)
    {
        await using var host = await KestrelTestHost.StartAsync(s_readsBody, kestrel: options => options.Limits.MaxRequestBodySize = 1024);
        var client = host.CreateClient(protocol);

        using var response = await client.PostAsync("/upload", new ByteArrayContent(new byte[4096]));
        var outcome = await host.WaitForOutcomeAsync(response);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(413, Assert.IsType<AsgiBadRequestException>(outcome.Exception).StatusCode);
        Assert.DoesNotContain(host.Logs.Problems, e => e.Category.StartsWith("AsgiBridge", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ZZ")]   // not hexadecimal
    [InlineData("FFFFFFFFFFFFFFFFFF")]   // overflows the chunk-size parser
    public async Task A_malformed_chunk_size_gets_400_not_an_empty_200(string chunkSize)
    {
        var appSaw = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            try
            {
                var messages = await TestApps.ReadAllAsync(receive);
                appSaw.TrySetResult(messages.Count);
            }
            catch (Exception ex)
            {
                appSaw.TrySetResult(ex);
                throw;
            }

            await TestApps.SendTextAsync(send, 200, "read");
        }, KestrelTestHost.LifespanOff);
        await using var connection = await RawHttpConnection.ConnectAsync(host.Http1Address);

        await connection.SendAsync($"POST /upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n{chunkSize}\r\nabc\r\n0\r\n\r\n");
        var text = await connection.ReadToEndAsync();
        var seen = await appSaw.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(text.StartsWith("HTTP/1.1 400 ", StringComparison.Ordinal), $"answered {text.Split("\r\n")[0]}; the app saw {seen}");
        Assert.Equal(400, Assert.IsType<AsgiBadRequestException>(seen).StatusCode);
        Assert.DoesNotContain(host.Logs.Problems, e => e.Category.StartsWith("AsgiBridge", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_client_that_leaves_mid_body_is_logged_at_debug_at_most()
    {
        var appDone = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            try
            {
                while (await receive() is HttpRequestBody { MoreBody: true })
                {
                }

                appDone.TrySetResult(null);
            }
            catch (Exception ex)
            {
                appDone.TrySetResult(ex);
                throw;
            }
        }, KestrelTestHost.LifespanOff);

        await using (var connection = await RawHttpConnection.ConnectAsync(host.Http1Address))
        {
            await connection.SendAsync("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\npartial");
        }

        var seen = await appDone.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(seen is null or AsgiClientDisconnectedException, seen?.ToString());
        await host.Logs.WaitForAsync(e => e.Category == "Microsoft.AspNetCore.Hosting.Diagnostics" && e.Message.Contains("finished", StringComparison.OrdinalIgnoreCase),
            description: "the request to finish");
        Assert.DoesNotContain(host.Logs.Entries, e => e.Category.StartsWith("AsgiBridge", StringComparison.Ordinal) && e.Level > LogLevel.Debug);
    }

    private static AsgiApp BreaksContentLength(int declared, int[] chunks, TaskCompletionSource<AsgiProtocolException> raised) => async (scope, receive, send) =>
    {
        await send(new HttpResponseStart(200, [new("content-length", declared.ToString(System.Globalization.CultureInfo.InvariantCulture))]));
        try
        {
            for (var i = 0; i < chunks.Length; i++)
            {
                await send(new HttpResponseBody(new byte[chunks[i]], moreBody: i < chunks.Length - 1));
            }
        }
        catch (AsgiProtocolException ex)
        {
            raised.TrySetResult(ex);
            throw;
        }
    };

    [Theory]
    [InlineData(10, new[] { 5 })]   // too short: the last body ends before content-length
    [InlineData(3, new[] { 5 })]    // too long in one go
    public async Task A_body_that_breaks_its_content_length_before_anything_was_flushed_raises_and_the_client_gets_500(int declared, int[] chunks)
    {
        var raised = new TaskCompletionSource<AsgiProtocolException>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelTestHost.StartAsync(BreaksContentLength(declared, chunks, raised));
        var client = host.CreateClient(KestrelProtocol.Http1);

        using var response = await client.GetAsync("/");
        var error = await raised.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var outcome = await host.WaitForOutcomeAsync(response);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("http.response.body", error.MessageType);
        Assert.Contains(error.Field, new[] { "body", "more_body" });
        Assert.Contains("content-length", error.Message, StringComparison.Ordinal);
        Assert.Equal(AsgiConnectionEnd.ApplicationError, outcome.End);
        Assert.False(outcome.ResponseTruncated);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task A_body_that_outgrows_its_content_length_after_a_flush_is_cut_off(KestrelProtocol protocol)
    {
        var raised = new TaskCompletionSource<AsgiProtocolException>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelTestHost.StartAsync(BreaksContentLength(4, [2, 3], raised));
        var client = host.CreateClient(protocol);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        var failed = await Record.ExceptionAsync(async () =>
        {
            using var response = await client.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
        });
        var error = await raised.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var outcome = await host.WaitForOutcomeAsync(request);

        Assert.Equal("http.response.body", error.MessageType);
        Assert.NotNull(failed);
        Assert.True(outcome.ResponseTruncated, outcome.ToString());
    }
}
