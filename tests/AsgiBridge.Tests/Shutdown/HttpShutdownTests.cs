using System.Net;
using System.Net.Sockets;
using System.Text;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.TestInfrastructure.WebSockets;

namespace AsgiBridge.Tests.Shutdown;

/// <summary>
/// Graceful shutdown of HTTP requests on real Kestrel, HTTP/1.1 and HTTP/2: a stream waiting in <c>receive()</c> gets
/// <c>http.disconnect</c> and ends cleanly; a stream that only sends gets the IOException subclass from its next
/// <c>more_body</c> and ends cleanly; a long poll gets <c>http.disconnect</c> (the client 503); an ordinary slow request is
/// served in full while new connections are refused.
/// </summary>
public sealed class HttpShutdownTests
{
    public static TheoryData<KestrelProtocol> Protocols => [KestrelProtocol.Http1, KestrelProtocol.Http2];

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task An_SSE_stream_waiting_in_receive_gets_http_disconnect_and_ends_cleanly(KestrelProtocol protocol)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            if (scope is not HttpScope)
            {
                return;
            }

            await send(new HttpResponseStart(200, [new("content-type", "text/event-stream")]));
            await send(new HttpResponseBody("data: first\n\n"u8.ToArray(), moreBody: true));
            AsgiMessage message;
            while ((message = await receive()) is not HttpDisconnect)
            {
            }

            seen.SetResult(message.Type);
        });

        var http = host.CreateClient(protocol);
        using var response = await http.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(body, Encoding.UTF8);
        Assert.Equal("data: first", await reader.ReadLineAsync().WithTimeout());

        var stop = host.StopAsync();
        Assert.Equal("http.disconnect", await seen.Task.WithTimeout());

        // The stream ends (final chunk / END_STREAM), not with a reset: reading to the end does not throw.
        Assert.Equal(string.Empty, await reader.ReadLineAsync().WithTimeout());
        Assert.Equal(string.Empty, await reader.ReadToEndAsync().WithTimeout());
        await stop.WithTimeout();
        var outcome = await host.WaitForOutcomeAsync(response);
        Assert.Equal(AsgiBridge.Hosting.AsgiConnectionEnd.Completed, outcome.End);
        Assert.False(outcome.ResponseTruncated);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task A_stream_that_only_sends_gets_a_disconnect_error_from_its_next_chunk_and_ends_cleanly(KestrelProtocol protocol)
    {
        var tick = new SemaphoreSlim(0);
        var failure = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            if (scope is not HttpScope)
            {
                return;
            }

            await send(new HttpResponseStart(200, [new("content-type", "text/plain")]));
            try
            {
                for (var i = 0; ; i++)
                {
                    await send(new HttpResponseBody(Encoding.ASCII.GetBytes($"tick {i}\n"), moreBody: true));
                    await tick.WaitAsync();
                }
            }
            catch (Exception ex)
            {
                failure.SetResult(ex);
                throw;
            }
        });

        var http = host.CreateClient(protocol);
        using var response = await http.GetAsync("/ticks", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(body, Encoding.ASCII);
        Assert.Equal("tick 0", await reader.ReadLineAsync().WithTimeout());

        var stop = host.StopAsync();
        await host.Logs.WaitForAsync(11);
        tick.Release();

        var error = await failure.Task.WithTimeout();
        Assert.IsType<AsgiClientDisconnectedException>(error);
        Assert.IsAssignableFrom<IOException>(error);
        Assert.Contains("shutting down", error.Message, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await reader.ReadToEndAsync().WithTimeout());
        await stop.WithTimeout();
        Assert.False((await host.WaitForOutcomeAsync(response)).ResponseTruncated);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task A_long_poll_gets_http_disconnect_and_the_client_a_503(KestrelProtocol protocol)
    {
        var polling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            if (scope is not HttpScope)
            {
                return;
            }

            Assert.IsType<HttpRequestBody>(await receive());
            polling.SetResult();
            seen.SetResult((await receive()).Type);
        });

        var http = host.CreateClient(protocol);
        var request = http.GetAsync("/poll");
        await polling.Task.WithTimeout();
        var stop = host.StopAsync();

        Assert.Equal("http.disconnect", await seen.Task.WithTimeout());
        using var response = await request.WithTimeout();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        await stop.WithTimeout();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task An_ordinary_slow_request_is_served_in_full_while_new_connections_are_refused(KestrelProtocol protocol)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            if (scope is not HttpScope)
            {
                return;
            }

            started.SetResult();
            await release.Task;
            await send(new HttpResponseStart(200, [new("content-type", "text/plain")]));
            await send(new HttpResponseBody("slow but complete"u8.ToArray()));
        });

        var http = host.CreateClient(protocol);
        var request = http.GetAsync("/slow");
        await started.Task.WithTimeout();
        var stop = host.StopAsync();
        await host.Logs.WaitForAsync(11);

        // Kestrel stops listening at the start of its stop: a new connection is refused while the slow request runs.
        await WaitUntilRefusedAsync(host.AddressFor(protocol));
        Assert.False(request.IsCompleted);

        release.SetResult();
        using var response = await request.WithTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("slow but complete", await response.Content.ReadAsStringAsync());
        await stop.WithTimeout();
        Assert.Empty(host.Logs.Bridge(12));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task After_the_drain_time_what_is_left_is_cut_with_one_warning_saying_how_many(KestrelProtocol protocol)
    {
        var started = new CountdownEvent(2);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            if (scope is not HttpScope)
            {
                return;
            }

            // Ignores the shutdown: never waits in receive(), never sends.
            started.Signal();
            await release.Task;
        }, asgi: options => options.ShutdownDrainTimeout = TimeSpan.FromMilliseconds(300));

        var http = host.CreateClient(protocol);
        var requests = new[] { http.GetAsync("/stuck/1"), http.GetAsync("/stuck/2") };
        Assert.True(started.Wait(ClientMessages.Timeout));
        var stop = host.StopAsync();

        var warning = await host.Logs.WaitForAsync(12);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("cut 2 ASGI connection(s)", warning.Message, StringComparison.Ordinal);
        foreach (var request in requests)
        {
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => request.WithTimeout());
        }

        release.SetResult();
        await stop.WithTimeout();
        Assert.Single(host.Logs.Bridge(12));
    }

    /// <summary>Connects again and again until the listener refuses (Kestrel unbinds at the start of its stop).</summary>
    internal static async Task WaitUntilRefusedAsync(Uri address)
    {
        using var deadline = new CancellationTokenSource(ClientMessages.Timeout);
        while (true)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, address.Port, deadline.Token);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
            {
                // Caught in the listener's backlog as it closed: try again until the port refuses.
            }

            await Task.Yield();
        }
    }
}
