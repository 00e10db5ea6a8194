using System.Net;
using System.Text;
using System.Text.Json;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Http;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.TestInfrastructure.WebSockets;
using AsgiBridge.Tests.Infrastructure;

namespace AsgiBridge.Tests.Http;

/// <summary>Real Kestrel tier: the scope as built from real HTTP/1.0, HTTP/1.1 and HTTP/2 requests (HelloAsgi's JSON dump).</summary>
public sealed class KestrelScopeTests
{
    private static Task<KestrelTestHost> StartScopeDump() => KestrelTestHost.StartAsync(async (scope, _, send) =>
    {
        await send(new HttpResponseStart(200, [new("content-type", "application/json")]));
        await send(new HttpResponseBody(HelloApp.ScopeJson((HttpScope)scope)));
    }, KestrelTestHost.LifespanOff);

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Scope_of_a_real_request(KestrelProtocol protocol)
    {
        await using var server = await StartScopeDump();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/caf%C3%A9/a%20b?x=1&y=%20z") { Content = new StringContent("") };
        request.Headers.Add("X-Dup", ["one", "two"]);
        request.Headers.Add("X-Mixed-Case", "v");
        using var response = await server.CreateClient(protocol).SendAsync(request);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;

        Assert.Equal("http", root.GetProperty("type").GetString());
        Assert.Equal(protocol == KestrelProtocol.Http2 ? "2" : "1.1", root.GetProperty("http_version").GetString());
        Assert.Equal("POST", root.GetProperty("method").GetString());
        Assert.Equal("http", root.GetProperty("scheme").GetString());
        Assert.Equal("/café/a b", root.GetProperty("path").GetString());
        Assert.Equal("/caf%C3%A9/a%20b", root.GetProperty("raw_path").GetString());
        Assert.Equal("x=1&y=%20z", root.GetProperty("query_string").GetString());
        Assert.Equal(string.Empty, root.GetProperty("root_path").GetString());

        var headers = root.GetProperty("headers").EnumerateArray().Select(h => (h[0].GetString()!, h[1].GetString()!)).ToList();
        Assert.Equal("host", headers[0].Item1);
        Assert.Equal($"127.0.0.1:{server.AddressFor(protocol).Port}", headers[0].Item2);
        Assert.All(headers, h => Assert.Equal(h.Item1.ToLowerInvariant(), h.Item1));
        Assert.DoesNotContain(headers, h => h.Item1.StartsWith(':'));
        var dup = string.Join(",", headers.Where(h => h.Item1 == "x-dup").Select(h => h.Item2));
        Assert.Equal("one,two", dup.Replace(", ", ",", StringComparison.Ordinal));
        Assert.Contains(("x-mixed-case", "v"), headers);

        var client = root.GetProperty("client");
        Assert.Equal("127.0.0.1", client[0].GetString());
        Assert.Equal(JsonValueKind.Number, client[1].ValueKind);
        Assert.InRange(client[1].GetInt32(), 1, 65535);
        var serverEndpoint = root.GetProperty("server");
        Assert.Equal("127.0.0.1", serverEndpoint[0].GetString());
        Assert.Equal(server.AddressFor(protocol).Port, serverEndpoint[1].GetInt32());

        var extensions = root.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains(AsgiExtensionNames.PathSend, extensions);
        Assert.DoesNotContain(AsgiExtensionNames.Trailers, extensions); // the client sent no 'TE: trailers'
        Assert.DoesNotContain(AsgiExtensionNames.EarlyHint, extensions);
    }

    [Fact]
    public async Task Http10_request_and_absolute_form_target()
    {
        await using var server = await StartScopeDump();
        await using var connection = await RawHttpConnection.ConnectAsync(server.Http1Address);
        await connection.SendAsync($"GET http://127.0.0.1:{server.Http1Address.Port}/abs/p%41th?q=%7E HTTP/1.0\r\nHost: 127.0.0.1:{server.Http1Address.Port}\r\n\r\n");
        var text = await connection.ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 200 ", text, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
        var root = json.RootElement;
        Assert.Equal("1.0", root.GetProperty("http_version").GetString());
        Assert.Equal("/abs/pAth", root.GetProperty("path").GetString());
        Assert.Equal("/abs/p%41th", root.GetProperty("raw_path").GetString());
        Assert.Equal("q=%7E", root.GetProperty("query_string").GetString());
    }

    [Fact]
    public async Task Encoded_slash_is_decoded_in_path_and_kept_in_raw_path()
    {
        await using var server = await StartScopeDump();
        using var response = await server.CreateClient(KestrelProtocol.Http1).GetAsync("/a%2Fb/%25/%252F");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("/a%2Fb/%25/%252F", json.RootElement.GetProperty("raw_path").GetString());
        Assert.Equal("/a/b/%/%2F", json.RootElement.GetProperty("path").GetString());
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Early_hint_is_accepted_and_ignored_and_logged_at_debug(KestrelProtocol protocol)
    {
        await using var server = await KestrelTestHost.StartAsync(async (_, _, send) =>
        {
            await send(new HttpResponseEarlyHint(["</style.css>; rel=preload; as=style"]));
            await AsgiTestApps.SendTextAsync(send, 200, "after hint");
        }, KestrelTestHost.LifespanOff);

        using var response = await server.CreateClient(protocol).GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("after hint", await response.Content.ReadAsStringAsync());
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Debug, (await server.Logs.WaitForAsync(7)).Level);
    }

    [Fact]
    public async Task Request_header_bytes_beyond_ascii_survive_as_latin1()
    {
        AsgiHeader? seen = null;
        await using var server = await KestrelTestHost.StartAsync(
            async (scope, _, send) =>
            {
                seen = ((HttpScope)scope).Headers.First(h => h.Name == "x-latin");
                await AsgiTestApps.SendTextAsync(send, 200, "ok");
            }, KestrelTestHost.LifespanOff,
            kestrel: kestrel => kestrel.RequestHeaderEncodingSelector = _ => Encoding.Latin1);

        await using var connection = await RawHttpConnection.ConnectAsync(server.Http1Address);
        await connection.SendAsync("GET / HTTP/1.1\r\nHost: localhost\r\nX-Latin: caf\u00e9\r\nConnection: close\r\n\r\n");
        await connection.ReadToEndAsync();
        Assert.Equal(new byte[] { (byte)'c', (byte)'a', (byte)'f', 0xE9 }, seen!.Value.ValueBytes);
    }
}
