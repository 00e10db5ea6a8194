using System.Text;
using System.Text.Json;
using AsgiBridge.Conversion;
using AsgiBridge.Messages;
using AsgiBridge.Tests.Infrastructure;

namespace AsgiBridge.Tests.Conversion;

/// <summary>The scope dump of seed 002: <c>json.dumps(scope, default=bytes.decode)</c>.</summary>
public sealed class AsgiJsonTests
{
    private static HttpScope Scope() => new()
    {
        HttpVersion = "2",
        Method = "GET",
        Scheme = "https",
        Path = "/",
        RawPath = "/"u8.ToArray(),
        QueryString = "a=1&b=caf%C3%A9"u8.ToArray(),
        Headers = [new("host", "localhost:8000"), new("user-agent", "curl/7.59.0"), new("accept", "*/*"), new("x-latin", "caf\u00e9")],
        Client = new AsgiAddress("127.0.0.1", 59012),
        Server = new AsgiAddress("127.0.0.1", 8000),
    };

    [Fact]
    public void Scope_is_written_with_byte_strings_as_text()
    {
        using var json = JsonDocument.Parse(AsgiJson.SerializeScope(Scope()));
        var root = json.RootElement;

        Assert.Equal("http", root.GetProperty("type").GetString());
        Assert.Equal("2", root.GetProperty("http_version").GetString());
        Assert.Equal("a=1&b=caf%C3%A9", root.GetProperty("query_string").GetString());
        Assert.Equal("/", root.GetProperty("raw_path").GetString());
        Assert.Equal(["host", "localhost:8000"], root.GetProperty("headers")[0].EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("*/*", root.GetProperty("headers")[2][1].GetString());
        Assert.Equal("127.0.0.1", root.GetProperty("client")[0].GetString());
        Assert.Equal(59012, root.GetProperty("client")[1].GetInt32());
        Assert.Equal(8000, root.GetProperty("server")[1].GetInt32());
        Assert.Equal("3.0", root.GetProperty("asgi").GetProperty("version").GetString());
    }

    [Fact]
    public void Bytes_that_are_not_utf8_come_out_one_character_per_byte()
    {
        // 0xE9 alone is not UTF-8 (Python's bytes.decode would raise): the dump shows the byte as U+00E9 instead of failing.
        using var json = JsonDocument.Parse(AsgiJson.SerializeScope(Scope()));
        Assert.Equal("caf\u00e9", json.RootElement.GetProperty("headers")[3][1].GetString());
        Assert.Equal("\"caf\u00e9\"", Encoding.UTF8.GetString(AsgiJson.Serialize("caf\u00e9"u8.ToArray())));
    }

    [Fact]
    public void Only_what_json_requires_is_escaped()
    {
        var text = Encoding.UTF8.GetString(AsgiJson.SerializeScope(Scope()));
        Assert.Contains("\"*/*\"", text, StringComparison.Ordinal);
        Assert.Contains("\"a=1&b=caf%C3%A9\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void State_and_custom_keys_are_written_and_unknown_objects_as_their_text()
    {
        var scope = Scope();
        scope.State = new Dictionary<string, object?> { ["count"] = 3, ["ratio"] = 0.5, ["pool"] = new Uri("postgres://db/app"), ["pair"] = ("a", 1) };
        scope["user"] = new Dictionary<string, object?> { ["sub"] = "alice", ["admin"] = false, ["roles"] = new List<object?> { "r1", null } };

        using var json = JsonDocument.Parse(AsgiJson.SerializeScope(scope, indented: true));
        var state = json.RootElement.GetProperty("state");

        Assert.Equal(3, state.GetProperty("count").GetInt32());
        Assert.Equal(0.5, state.GetProperty("ratio").GetDouble());
        Assert.Equal("postgres://db/app", state.GetProperty("pool").GetString());
        Assert.Equal(JsonValueKind.Array, state.GetProperty("pair").ValueKind);
        Assert.Equal("alice", json.RootElement.GetProperty("user").GetProperty("sub").GetString());
        Assert.False(json.RootElement.GetProperty("user").GetProperty("admin").GetBoolean());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("user").GetProperty("roles")[1].ValueKind);
    }

    [Fact]
    public void Messages_are_written_in_their_dictionary_form()
    {
        using var json = JsonDocument.Parse(AsgiJson.SerializeMessage(new HttpResponseStart(200, [("content-type", "application/json")])));
        Assert.Equal("http.response.start", json.RootElement.GetProperty("type").GetString());
        Assert.Equal(200, json.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("application/json", json.RootElement.GetProperty("headers")[0][1].GetString());

        using var body = JsonDocument.Parse(AsgiJson.SerializeMessage(new HttpResponseBody("hi")));
        Assert.Equal("hi", body.RootElement.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Seed_002_scope_dump_runs_through_the_bridge()
    {
        var context = HttpContextHarness.Context(path: "/dump");
        context.Request.QueryString = new Microsoft.AspNetCore.Http.QueryString("?x=1");
        var handler = HttpContextHarness.Handler(async (scope, receive, send) =>
        {
            await receive();
            await send(new HttpResponseStart(200, [("content-type", "application/json")]));
            await send(new HttpResponseBody(AsgiJson.SerializeScope(scope)));
        });

        await handler.HandleAsync(context);

        using var json = JsonDocument.Parse(HttpContextHarness.ResponseText(context));
        Assert.Equal("/dump", json.RootElement.GetProperty("path").GetString());
        Assert.Equal("x=1", json.RootElement.GetProperty("query_string").GetString());
        Assert.Equal("example.test", json.RootElement.GetProperty("headers")[0][1].GetString());
    }
}
