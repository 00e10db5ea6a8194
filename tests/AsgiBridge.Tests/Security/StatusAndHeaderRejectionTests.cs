using System.Net;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Http;
using AsgiBridge.TestInfrastructure.Kestrel;
using TestApps = AsgiBridge.Tests.Infrastructure.AsgiTestApps;

namespace AsgiBridge.Tests.Security;

/// <summary>
/// Issues 10.4 and 10.5 on real Kestrel, over raw sockets where HttpClient would refuse to send the request: a 1xx or
/// 600+ status never reaches the wire (the client gets 500 and the keep-alive connection stays in step), and request
/// headers that repeat too often or hold control bytes are refused before the application runs, for plain requests and
/// WebSocket handshakes alike.
/// </summary>
public sealed class StatusAndHeaderRejectionTests
{
    private static AsgiApp StatusApp(List<string> ran) => async (scope, receive, send) =>
    {
        lock (ran)
        {
            ran.Add(((ConnectionScope)scope).Path);
        }

        if (scope is WebSocketScope)
        {
            await receive();
            await send(WebSocketAccept.Default);
            await send(new WebSocketClose(1000));
            return;
        }

        var http = (HttpScope)scope;
        if (http.Path.StartsWith("/status/", StringComparison.Ordinal))
        {
            await send(new HttpResponseStart(int.Parse(http.Path[8..], System.Globalization.CultureInfo.InvariantCulture), []));
        }

        await TestApps.SendTextAsync(send, 200, "ok:" + http.Path);
    };

    private static string Get(string path, params string[] headers) =>
        $"GET {path} HTTP/1.1\r\nHost: localhost\r\n{string.Concat(headers.Select(h => h + "\r\n"))}\r\n";

    [Theory]
    [InlineData(100)]
    [InlineData(101)]
    [InlineData(103)]
    [InlineData(600)]
    [InlineData(999)]
    public async Task An_informational_or_out_of_range_status_gets_500_and_the_keep_alive_connection_stays_in_step(int status)
    {
        var ran = new List<string>();
        await using var host = await KestrelTestHost.StartAsync(StatusApp(ran));
        await using var connection = await RawHttpConnection.ConnectAsync(host.Http1Address);

        await connection.SendAsync(Get($"/status/{status}"));
        await connection.ReadUntilAsync("Internal Server Error");
        await connection.SendAsync(Get("/next"));
        var text = await connection.ReadUntilAsync("ok:/next");

        Assert.StartsWith("HTTP/1.1 500 ", text, StringComparison.Ordinal);
        Assert.DoesNotContain($"HTTP/1.1 {status}", text, StringComparison.Ordinal);
        Assert.Equal(2, text.Split("HTTP/1.1 ").Length - 1);
        Assert.True(text.IndexOf("HTTP/1.1 200 ", StringComparison.Ordinal) > text.IndexOf("HTTP/1.1 500 ", StringComparison.Ordinal));
    }

    public static TheoryData<string, int> BadHeaders => new()
    {
        { "x-bad\u0001name: v", 400 },
        { "x-vt: a\u000Bb", 400 },
        { "x-ff: a\u000Cb", 400 },
        { "x-fs: a\u001Cb", 400 },
        { "x-gs: a\u001Db", 400 },
        { "x-rs: a\u001Eb", 400 },
        { string.Join("\r\n", Enumerable.Repeat("x-many: v", 101)), 431 },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public async Task Bad_request_headers_are_refused_before_the_app_runs(string header, int status)
    {
        var ran = new List<string>();
        await using var host = await KestrelTestHost.StartAsync(StatusApp(ran));

        await using var plain = await RawHttpConnection.ConnectAsync(host.Http1Address);
        await plain.SendAsync(Get("/plain", header, "Connection: close"));
        var plainText = await plain.ReadToEndAsync();

        await using var handshake = await RawHttpConnection.ConnectAsync(host.Http1Address);
        await handshake.SendAsync(Get("/ws", "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13",
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", header));
        var handshakeText = await handshake.ReadUntilAsync("\r\n\r\n");

        Assert.StartsWith($"HTTP/1.1 {status} ", plainText, StringComparison.Ordinal);
        Assert.StartsWith($"HTTP/1.1 {status} ", handshakeText, StringComparison.Ordinal);
        Assert.Empty(ran);
    }

    [Fact]
    public async Task A_control_byte_in_a_header_value_gets_400_on_h2c()
    {
        var ran = new List<string>();
        await using var host = await KestrelTestHost.StartAsync(StatusApp(ran));
        var client = host.CreateClient(KestrelProtocol.Http2);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/h2");
        request.Headers.TryAddWithoutValidation("x-gs", "a\u001Db");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(ran);
    }
}
