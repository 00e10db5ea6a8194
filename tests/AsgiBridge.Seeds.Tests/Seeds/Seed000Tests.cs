using AsgiBridge.Seeds.Tests.Harness;
using AsgiBridge.Seeds.Tests.Ports;

namespace AsgiBridge.Seeds.Tests.Seeds;

/// <summary>Seed 000 "Working with ASGI and HTTP": each port answers exactly as its original does on uvicorn.</summary>
public sealed class Seed000Tests
{
    [Fact]
    public async Task Hello_world_double_callable_answers_as_on_uvicorn()
    {
        await using var servers = await SideBySide.StartAsync("seed000_example:app", Seed000Example.App);

        var response = await servers.AssertSameGetAsync("/");

        Assert.Equal(200, response.Status);
        Assert.Equal("text/plain", response.Header("content-type"));
        Assert.Equal("Hello, World!", response.Text);
    }

    [Theory]
    [InlineData("app", "closure")]
    [InlineData("asgi_application", "partial")]
    [InlineData("ASGIApplication", "class")]
    public async Task Each_application_shape_reads_the_body_and_answers_as_on_uvicorn(string python, string shape)
    {
        var port = shape switch { "closure" => Seed000Shapes.Closure, "partial" => Seed000Shapes.Partial, _ => Seed000Shapes.Class };
        await using var servers = await SideBySide.StartAsync($"seed000_shapes:{python}", port);

        var response = await servers.AssertSameAsync(client => client.PostAsync(new Uri("/", UriKind.Relative), new ByteArrayContent(new byte[70_000])));

        Assert.Equal($"{shape} read 70000 bytes", response.Text);
    }

    [Fact]
    public async Task The_starlette_request_and_json_response_example_answers_as_on_uvicorn()
    {
        await using var servers = await SideBySide.StartAsync("seed000_starlette_fixed:ASGIApplication", Seed000Starlette.App);

        var (uvicorn, bridge) = await servers.AssertSameJsonAsync(client => client.GetAsync(new Uri("/items/caf%C3%A9?a=1&b=x%20y&a=2", UriKind.Relative)));

        Assert.Equal("application/json", bridge.Header("content-type"));
        Assert.Equal("""{"method":"GET","path":"/items/café","query_params":{"a":"2","b":"x y"}}""", uvicorn.Text);
        // Byte for byte: JsonResponse writes non-ASCII as UTF-8, as starlette does (docs/porting-contract.md).
        Assert.Equal(uvicorn.Body, bridge.Body);
    }

    [Theory]
    [InlineData("ASGIApplication")]
    [InlineData("app")]
    public async Task The_articles_own_starlette_code_fails_before_responding_and_both_servers_answer_a_plain_500(string python)
    {
        // The article's code cannot run (see python/seed000_starlette.py); a C# app failing the same way is answered alike.
        static Task Fails(AsgiScope scope, AsgiReceive receive, AsgiSend send) => throw new InvalidOperationException("AttributeError: 'Request' object has no attribute 'path'");
        await using var servers = await SideBySide.StartAsync($"seed000_starlette:{python}", Fails);

        await servers.AssertSameErrorAsync(client => client.GetAsync(new Uri("/", UriKind.Relative)));
    }
}
