using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using AsgiBridge.Seeds.Tests.Harness;
using AsgiBridge.Seeds.Tests.Ports;
using AsgiBridge.TestInfrastructure.Http;
using AsgiBridge.TestInfrastructure.WebSockets;

namespace AsgiBridge.Seeds.Tests.Seeds;

/// <summary>
/// The porting contract (issue 11) side by side: the apps of python/contract.py on uvicorn and their twins in
/// <see cref="ContractApps"/> on the bridge over real Kestrel, driven with the same bytes.
/// </summary>
public sealed class ContractTests
{
    [Fact]
    public async Task Item1_upper_case_response_header_names_are_lower_cased_as_uvicorn_does()
    {
        await using var servers = await SideBySide.StartAsync("contract:uppercase_headers", ContractApps.UppercaseHeaders);

        var response = await servers.AssertSameGetAsync("/");

        Assert.Equal("200\ncontent-type: text/plain\nx-special: Yes\n\nupper-case names", response.ToString());
    }

    [Fact]
    public async Task Item2_request_header_bytes_reach_the_scope_and_go_back_unchanged_as_on_uvicorn()
    {
        await using var servers = await SideBySide.StartAsync("contract:header_bytes", ContractApps.HeaderBytes);

        foreach (var address in new[] { servers.Uvicorn.Address, servers.Bridge.Http1Address })
        {
            await using var connection = await RawHttpConnection.ConnectAsync(address);
            // 'abra\xc3\xa3o': the UTF-8 of "abrasão" sent as raw bytes (Latin-1 text keeps one char per byte).
            await connection.SendAsync("GET / HTTP/1.1\r\nHost: x\r\nx-name: abra\u00c3\u00a3o\r\nConnection: close\r\n\r\n");
            var received = await connection.ReadToEndAsync();

            Assert.Contains("\r\nx-echo: abra\u00c3\u00a3o\r\n", received, StringComparison.Ordinal);
            Assert.EndsWith("61627261c3a36f", Dechunk(received), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Item3_flushed_chunks_reach_the_client_before_the_cut_off_as_on_uvicorn()
    {
        await using var servers = await SideBySide.StartAsync("contract:flush_then_fail", ContractApps.FlushThenFail);

        foreach (var address in new[] { servers.Uvicorn.Address, servers.Bridge.Http1Address })
        {
            await using var connection = await RawHttpConnection.ConnectAsync(address);
            await connection.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            var received = await connection.ReadToEndAsync();

            // Everything send reported as sent, then the connection closes without the terminating chunk.
            Assert.StartsWith("HTTP/1.1 200 OK\r\n", received, StringComparison.Ordinal);
            Assert.Contains("\r\ntransfer-encoding: chunked\r\n", received, StringComparison.OrdinalIgnoreCase);
            Assert.Equal("chunk 0\nchunk 1\nchunk 2\n", Dechunk(received));
            Assert.DoesNotContain("\r\n0\r\n\r\n", received, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Item4_no_trailers_are_offered_over_http1_even_with_te_trailers_as_on_uvicorn()
    {
        await using var servers = await SideBySide.StartAsync("contract:trailers", ContractApps.Trailers);

        var response = await servers.AssertSameAsync(client =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/", UriKind.Relative));
            request.Headers.TE.ParseAdd("trailers");
            return client.SendAsync(request);
        });

        Assert.Equal("no trailers", response.Text);
    }

    [Fact]
    public async Task Item5_a_client_gone_before_accept_is_reported_as_disconnect_1006_where_uvicorn_0_17_raises()
    {
        var apps = new ContractApps();
        await using var servers = await SideBySide.StartAsync("contract:ws_gone_before_accept", apps.WsGoneBeforeAccept);

        using (var client = await RawWebSocket.SendHandshakeAsync(servers.Uvicorn.Address, "/"))
        {
            await servers.Uvicorn.WaitForProbeAsync("connected");
            client.Drop();
        }

        using (var client = await RawWebSocket.SendHandshakeAsync(servers.Bridge.Http1Address, "/"))
        {
            await apps.Probes("connected");
            client.Drop();
        }

        // The bridge returns websocket.disconnect 1006, as current uvicorn does (its test_connection_lost_before_handshake_complete).
        var bridge = (Dictionary<string, object?>)(await apps.Probes("before-accept"))["message"]!;
        Assert.Equal(("websocket.disconnect", 1006), ((string?)bridge["type"], (int?)bridge["code"]));

        // uvicorn 0.17.6's receive() raises from inside the websockets library instead.
        await servers.Uvicorn.Process.WaitForTextAsync("AttributeError: 'NoneType' object has no attribute 'add_done_callback'");
        Assert.DoesNotContain(servers.Uvicorn.Process.Lines, l => l.Contains("before-accept", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Item6_a_receive_abandoned_after_a_timeout_leaves_the_connection_usable_as_on_uvicorn()
    {
        await using var servers = await SideBySide.StartAsync("contract:abandoned_receive", ContractApps.AbandonedReceive);

        foreach (var address in new[] { servers.Uvicorn.Address, servers.Bridge.Http1Address })
        {
            await using var connection = await RawHttpConnection.ConnectAsync(address);
            await connection.SendAsync("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\n");
            await connection.ReadUntilAsync("timed out\n");
            await connection.SendAsync("hello");
            var received = await connection.ReadToEndAsync();
            Assert.Equal("timed out\ngot hello", Dechunk(received));
        }

        var (uvicorn, bridge) = await servers.ConnectBothAsync("/");
        foreach (var socket in new[] { uvicorn, bridge })
        {
            Assert.Equal("timed out", (await socket.ReceiveMessageAsync()).Text);
            await socket.SendTextAsync("hello");
            Assert.Equal("got hello", (await socket.ReceiveMessageAsync()).Text);
            Assert.Equal(WebSocketCloseStatus.NormalClosure, (await socket.ReceiveMessageAsync()).CloseStatus);
        }
    }

    [Fact]
    public async Task Item9_invalid_utf8_in_a_text_message_the_app_is_told_1007_the_code_on_the_wire()
    {
        var (uvicorn, bridge) = await CloseCodesAsync(async socket => await socket.SendFrameAsync(1, [0x61, 0xC3, 0x28]));

        Assert.Equal(1007, bridge.App);
        AssertWireCode(1007, bridge.Wire);
        // uvicorn 0.17.6 sends 1007 but tells the app 1006 (its websockets-10 ConnectionClosed has no received close frame).
        Assert.Equal((1007, 1006), uvicorn);
    }

    [Fact]
    public async Task Item9_a_protocol_error_inside_a_text_message_the_app_is_told_1002_the_code_on_the_wire()
    {
        // A text frame that does not end its message, then a new text frame instead of a continuation.
        var (uvicorn, bridge) = await CloseCodesAsync(async socket =>
        {
            await socket.SendFrameAsync(1, "half"u8.ToArray(), fin: false);
            await socket.SendFrameAsync(1, "again"u8.ToArray());
        });

        Assert.Equal(1002, bridge.App);
        AssertWireCode(1002, bridge.Wire);
        Assert.Equal((1002, 1006), uvicorn);
    }

    [Fact]
    public async Task Item9_a_close_reason_that_is_not_utf8_the_app_is_told_the_code_on_the_wire()
    {
        var (uvicorn, bridge) = await CloseCodesAsync(async socket => await socket.SendCloseAsync(1000, [0xFF, 0xFE]));

        // System.Net.WebSockets fails such a close as a protocol error (1002); the websockets library uses 1007.
        Assert.Equal(1002, bridge.App);
        AssertWireCode(1002, bridge.Wire);
        Assert.Equal((1007, 1006), uvicorn);
    }

    /// <summary>
    /// The bridge's close frame is on the wire, but System.Net.WebSockets aborts the connection right after sending it on a
    /// protocol error, so the client's kernel may drop the unread frame on the reset and the client see 1006 (README,
    /// "invalid UTF-8 in a text message"); when the frame is read, it carries the code the app was told.
    /// </summary>
    private static void AssertWireCode(int expected, int wire) => Assert.Contains(wire, new[] { expected, 1006 });

    /// <summary>Breaks the protocol on a fresh connection to each server; returns (close code on the wire, code the app was told).</summary>
    private static async Task<((int Wire, int App) Uvicorn, (int Wire, int App) Bridge)> CloseCodesAsync(Func<RawWebSocket, Task> breakIt)
    {
        var apps = new ContractApps();
        await using var servers = await SideBySide.StartAsync("contract:ws_close_codes", apps.WsCloseCodes);
        var results = new List<int>();
        foreach (var address in new[] { servers.Uvicorn.Address, servers.Bridge.Http1Address })
        {
            using var socket = await RawWebSocket.ConnectAsync(address, "/");
            Assert.StartsWith("HTTP/1.1 101", socket.ResponseHead, StringComparison.Ordinal);
            await breakIt(socket);
            results.Add(await socket.ReadCloseCodeAsync());
        }

        var uvicornApp = (await servers.Uvicorn.WaitForProbeAsync("close-code")).GetProperty("code").GetInt32();
        var bridgeApp = (int)(await apps.Probes("close-code"))["code"]!;
        return ((results[0], uvicornApp), (results[1], bridgeApp));
    }

    /// <summary>The body of a raw HTTP/1.1 response, chunked or not, as far as it arrived.</summary>
    private static string Dechunk(string response)
    {
        var head = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var body = response[(head + 4)..];
        if (!response[..head].Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            return body;
        }

        var result = new StringBuilder();
        while (body.IndexOf("\r\n", StringComparison.Ordinal) is var end and > 0)
        {
            var size = Convert.ToInt32(body[..end], 16);
            if (size == 0 || body.Length < end + 2 + size)
            {
                break;
            }

            result.Append(body, end + 2, size);
            body = body[(end + 2 + size + 2 > body.Length ? body.Length : end + 2 + size + 2)..];
        }

        return result.ToString();
    }
}
