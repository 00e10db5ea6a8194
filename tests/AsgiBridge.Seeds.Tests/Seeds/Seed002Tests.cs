using System.Text.Json.Nodes;
using AsgiBridge.Seeds.Tests.Harness;
using AsgiBridge.Seeds.Tests.Ports;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Seeds.Tests.Seeds;

/// <summary>Seed 002 "Hello ASGI": the app that dumps its scope, upper-case header name and stray http.disconnect included.</summary>
public sealed class Seed002Tests
{
    [Fact]
    public async Task Scope_dump_has_uvicorns_keys_and_values_and_the_stray_send_is_only_logged()
    {
        await using var servers = await SideBySide.StartAsync("seed002_hello_asgi:asgi", Seed002HelloAsgi.Asgi);

        var (uvicorn, bridge) = await servers.BothAsync(client => client.GetAsync(new Uri("/a%20b/c?x=1&y=%C3%A3", UriKind.Relative)));

        // Content-Type was sent upper-case: both servers lower-case it (issue 11.1), and the response is complete.
        Assert.Equal((200, "application/json"), (uvicorn.Status, uvicorn.Header("content-type")));
        Assert.Equal((200, "application/json"), (bridge.Status, bridge.Header("content-type")));
        var expected = Normalise(JsonNode.Parse(uvicorn.Body)!.AsObject(), servers.Uvicorn.Address.Port);
        var actual = Normalise(JsonNode.Parse(bridge.Body)!.AsObject(), servers.Bridge.Http1Address.Port);
        foreach (var (key, value) in expected)
        {
            Assert.True(actual.ContainsKey(key), $"the bridge's scope has no '{key}'");
            Assert.True(JsonNode.DeepEquals(value, actual[key]), $"'{key}': uvicorn {value?.ToJsonString()}, bridge {actual[key]?.ToJsonString()}");
        }

        // What the bridge adds: the extensions it supports (uvicorn 0.17.6 advertises none).
        Assert.Equal(["extensions"], actual.Select(p => p.Key).Except(expected.Select(p => p.Key)).ToArray());

        // send({'type': 'http.disconnect'}) raises after the response completed: an error in the log, nothing for the client.
        await servers.Uvicorn.Process.WaitForTextAsync("Exception in ASGI application");
        var logged = await servers.Bridge.Logs.WaitForAsync(e => e.Level == LogLevel.Error && e.Exception is AsgiProtocolException);
        Assert.Contains("http.disconnect", logged.Exception!.Message, StringComparison.Ordinal);
    }

    /// <summary>Ports and versions differ by nature: the server's port, the client's ephemeral port, the asgi versions.</summary>
    private static JsonObject Normalise(JsonObject scope, int serverPort)
    {
        var text = scope.ToJsonString().Replace($":{serverPort}\"", ":PORT\"", StringComparison.Ordinal).Replace($",{serverPort}]", ",\"PORT\"]", StringComparison.Ordinal);
        var normal = JsonNode.Parse(text)!.AsObject();
        normal["client"]![1] = 0;
        normal["asgi"]!["spec_version"] = "x";
        normal["asgi"]!["version"] = "x"; // uvicorn says "2.0" for an ASGI 2 app; AsgiApps.FromDoubleCallable runs it as ASGI 3
        return normal;
    }
}
