using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using AsgiBridge.Seeds.Tests.Harness;
using AsgiBridge.Seeds.Tests.Ports;
using AsgiBridge.TestInfrastructure.WebSockets;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Seeds.Tests.Seeds;

/// <summary>Seed 003 "Fundamentals": the basic app, debug_scope, the class-based router, the body parsers, the echo WebSocket.</summary>
public sealed class Seed003BasicsTests
{
    [Fact]
    public async Task Basic_application_serves_http_and_is_taken_not_to_support_lifespan_in_one_line()
    {
        await using var servers = await SideBySide.StartAsync("seed003_basics:application", Seed003Basics.Application);

        Assert.Equal("Hello World", (await servers.AssertSameGetAsync("/")).Text);

        // It raises ValueError on the lifespan scope: uvicorn says so in one INFO line, the bridge in one Information line.
        Assert.Contains(servers.Uvicorn.Process.Lines, l => l == "INFO:     ASGI 'lifespan' protocol appears unsupported.");
        var unsupported = Assert.Single(servers.Bridge.Logs.Entries, e => e.EventId.Id == 43);
        Assert.Equal(LogLevel.Information, unsupported.Level);
        Assert.Null(unsupported.Exception);
        Assert.DoesNotContain(servers.Bridge.Logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Class_based_router_answers_its_routes_and_404_as_on_uvicorn()
    {
        await using var servers = await SideBySide.StartAsync("seed003_basics:app", Seed003Basics.CreateApp());

        Assert.Equal("<h1>Home Page</h1>", (await servers.AssertSameGetAsync("/")).Text);
        Assert.Equal("""{"message": "API Response"}""", (await servers.AssertSameGetAsync("/api")).Text);
        Assert.Equal((404, "Not Found"), ((await servers.AssertSameGetAsync("/missing")).Status, (await servers.AssertSameGetAsync("/missing")).Text));
        Assert.Equal(404, (await servers.AssertSameAsync(client => client.PostAsync(new Uri("/api", UriKind.Relative), null))).Status);
    }

    [Fact]
    public async Task Debug_scope_reports_what_uvicorn_reports()
    {
        await using var servers = await SideBySide.StartAsync("seed003_basics:app", Seed003Basics.CreateApp());

        var (uvicorn, bridge) = await servers.BothAsync(client =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/debug?q=caf%C3%A9&x", UriKind.Relative));
            request.Headers.TryAddWithoutValidation("X-Custom", "my-value");
            request.Headers.TryAddWithoutValidation("accept", "*/*");
            return client.SendAsync(request);
        });

        Assert.Equal(uvicorn.ToString().Split("\n\n")[0], bridge.ToString().Split("\n\n")[0]);
        var expected = JsonNode.Parse(uvicorn.Text.Replace($"127.0.0.1:{servers.Uvicorn.Address.Port}", "127.0.0.1:PORT", StringComparison.Ordinal))!;
        var actual = JsonNode.Parse(bridge.Text.Replace($"127.0.0.1:{servers.Bridge.Http1Address.Port}", "127.0.0.1:PORT", StringComparison.Ordinal))!;
        foreach (var node in new[] { expected, actual })
        {
            node["server"]![1] = 0;
            node["client"]![1] = 0;
            node["asgi"]!["spec_version"] = "x";
        }

        // Header names may come in another order (Kestrel lists the headers it knows first); the spec keeps only the order of
        // values of one name, and debug_scope folds them into a dict anyway.
        Assert.True(JsonNode.DeepEquals(expected, actual), $"uvicorn:\n{expected}\nbridge:\n{actual}");
        Assert.Equal("q=caf%C3%A9&x", (string?)actual["query_string"]); // the raw bytes, decoded as UTF-8 by the app
        Assert.Equal("my-value", (string?)actual["headers"]!["x-custom"]);
        // indent=2 in both: the port writes the layout json.dumps writes.
        Assert.StartsWith("{\n  \"type\": \"http\",\n  \"method\": \"GET\",", bridge.Text, StringComparison.Ordinal);
        Assert.StartsWith("{\n  \"type\": \"http\",\n  \"method\": \"GET\",", uvicorn.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_and_form_parsers_answer_byte_for_byte_as_on_uvicorn()
    {
        await using var servers = await SideBySide.StartAsync("seed003_basics:app", Seed003Basics.CreateApp());

        var echo = await servers.AssertSameAsync(client => client.PostAsync(new Uri("/echo", UriKind.Relative),
            new StringContent("""{"message": "caf\u00e9", "n": [1, 2.5, true, null], "nested": {"a": "b"}}""", Encoding.UTF8, "application/json")));
        Assert.Equal("""{"received": {"message": "caf\u00e9", "n": [1, 2.5, true, null], "nested": {"a": "b"}}, "method": "POST", "path": "/echo"}""", echo.Text);

        var empty = await servers.AssertSameAsync(client => client.PostAsync(new Uri("/echo", UriKind.Relative), new ByteArrayContent([])));
        Assert.Equal("""{"received": {}, "method": "POST", "path": "/echo"}""", empty.Text);

        var invalid = await servers.AssertSameAsync(client => client.PostAsync(new Uri("/echo", UriKind.Relative), new StringContent("{not json")));
        Assert.Equal((400, "Invalid JSON"), (invalid.Status, invalid.Text));

        var form = await servers.AssertSameAsync(client => client.PostAsync(new Uri("/form", UriKind.Relative),
            new FormUrlEncodedContent([new("name", "Zoë Smith"), new("tag", "a"), new("tag", "b&c"), new("empty", "")])));
        Assert.Equal("""{"form_data": {"name": ["Zo\u00eb Smith"], "tag": ["a", "b&c"]}, "method": "POST", "path": "/form"}""", form.Text);
    }

    [Fact]
    public async Task Echo_websocket_echoes_text_and_bytes_and_sees_the_clients_close_code_as_on_uvicorn()
    {
        var disconnects = new TaskCompletionSource<int?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var servers = await SideBySide.StartAsync("seed003_basics:app", Seed003Basics.CreateApp(code => disconnects.TrySetResult(code)));
        var (uvicorn, bridge) = await servers.ConnectBothAsync("/ws");

        foreach (var socket in new[] { uvicorn, bridge })
        {
            await socket.SendTextAsync("héllo");
            Assert.Equal("Echo: héllo", (await socket.ReceiveMessageAsync()).Text);
            await socket.SendBytesAsync([0, 1, 255]);
            var binary = await socket.ReceiveMessageAsync();
            Assert.Equal(WebSocketMessageType.Binary, binary.Type);
            Assert.Equal([0, 1, 255], binary.Data);
            await socket.CloseAsync((WebSocketCloseStatus)4001, "bye");
            Assert.Equal((WebSocketCloseStatus)4001, socket.CloseStatus);
        }

        Assert.Equal(4001, (await servers.Uvicorn.WaitForProbeAsync("echo-disconnect")).GetProperty("code").GetInt32());
        Assert.Equal(4001, await disconnects.Task.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Websocket_to_an_unrouted_path_is_refused_with_403_as_on_uvicorn()
    {
        await using var servers = await SideBySide.StartAsync("seed003_basics:app", Seed003Basics.CreateApp());
        var uvicorn = servers.CreateUvicornWebSocket();
        var bridge = servers.Bridge.CreateWebSocketClient(TestInfrastructure.Kestrel.KestrelProtocol.Http1);

        await Assert.ThrowsAsync<WebSocketException>(() => uvicorn.ConnectAsync(servers.UvicornWebSocket("/nowhere"), CancellationToken.None));
        await Assert.ThrowsAsync<WebSocketException>(() => bridge.ConnectAsync("/nowhere"));

        Assert.Equal(403, (int)uvicorn.HttpStatusCode);
        Assert.Equal(403, (int)bridge.Socket.HttpStatusCode);
    }
}
