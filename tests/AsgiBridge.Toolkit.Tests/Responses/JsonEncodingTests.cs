using System.Text;
using System.Text.Json;
using System.Text.Encodings.Web;
using AsgiBridge.Testing;

namespace AsgiBridge.Toolkit.Tests.Responses;

/// <summary>
/// The JSON bytes the toolkit writes by default are starlette's: <c>JSONResponse</c> and <c>WebSocket.send_json</c> call
/// <c>json.dumps(..., ensure_ascii=False, separators=(",", ":"))</c>, so non-ASCII text is UTF-8 and <c>&lt; &gt; &amp; '</c>
/// are written as they are. The expected bytes below are what starlette 0.x (Debian's python3-starlette) produced for the
/// same value. One difference remains: characters outside the Basic Multilingual Plane (emoji) are written as a
/// <c>\uD83D\uDE00</c> escape pair, which System.Text.Json's encoders always do; the JSON value is the same.
/// </summary>
public sealed class JsonEncodingTests
{
    private static readonly Dictionary<string, string> s_value = new()
    {
        ["name"] = "Zoë <b>&'\"",
        ["ctl"] = "a\u0001\n",
    };

    // JSONResponse({'name': 'Zoë <b>&\'"', 'ctl': 'a\x01\n'}).body
    private static readonly byte[] s_starlette = Encoding.UTF8.GetBytes("{\"name\":\"Zoë <b>&'\\\"\",\"ctl\":\"a\\u0001\\n\"}");

    [Fact]
    public async Task JsonResponse_writes_text_as_utf8_without_html_escaping_as_starlette_does()
    {
        await using var client = await AsgiTestClient.StartAsync(JsonResponse.Create(s_value));

        var response = await client.GetAsync("/");

        Assert.Equal(s_starlette, response.Body);
        Assert.Equal("application/json", response.GetHeader("content-type"));
        Assert.Equal(s_starlette.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), response.GetHeader("content-length"));
    }

    [Fact]
    public async Task WebSocket_SendJsonAsync_writes_the_same_text_as_starlette_send_json()
    {
        await using var client = await AsgiTestClient.StartAsync(async (scope, receive, send) =>
        {
            var socket = new AsgiWebSocket((WebSocketScope)scope, receive, send);
            await socket.AcceptAsync();
            await socket.SendJsonAsync(s_value);
            await socket.CloseAsync();
        });

        await using var session = await client.ConnectWebSocketAsync("/ws");

        Assert.Equal(Encoding.UTF8.GetString(s_starlette), await session.ReceiveTextAsync());
    }

    [Fact]
    public async Task Caller_options_still_win_so_json_inlined_in_html_can_keep_the_escaping()
    {
        var escaping = new JsonSerializerOptions(JsonSerializerOptions.Web) { Encoder = JavaScriptEncoder.Default };
        await using var client = await AsgiTestClient.StartAsync(JsonResponse.Create(s_value, options: escaping));

        var text = (await client.GetAsync("/")).Text;

        Assert.Contains("\\u003Cb\\u003E", text, StringComparison.Ordinal);
        Assert.Contains("Zo\\u00EB", text, StringComparison.Ordinal);
    }
}
