using AsgiBridge.Conversion;
using AsgiBridge.Toolkit;
using Message = System.Collections.Generic.Dictionary<string, object?>;

namespace AsgiBridge.Seeds.Tests.Ports;

/// <summary>Seed 001 "ASGI ? What is it simply ?": the hello world app and the two starlette apps (python/seed001_*.py).</summary>
internal static class Seed001Hello
{
    /// <summary>The hello world app.</summary>
    public static async Task App(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        Py.Assert((string?)scope["type"] == "http"); // We usually start by checking the type and the method specified in the scope
        Py.Assert((string?)scope["method"] == "GET");
        var msg = await receive();
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.start",
            ["status"] = 200,
            ["headers"] = new[] { new[] { "content-type"u8.ToArray(), "text/plain"u8.ToArray() } },
        });
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.body",
            ["body"] = "Hello, world!"u8.ToArray(),
        });
    }

    /// <summary>starlette as a toolkit: <c>PlainTextResponse('Hello, world!')</c> is the toolkit's <see cref="TextResponse"/>.</summary>
    public static async Task PlainText(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        Py.Assert((string?)scope["type"] == "http");
        var response = new TextResponse("Hello, world!");
        await response.ExecuteAsync(scope, receive, send);
    }

    /// <summary>starlette as a framework: <c>Starlette(routes=[Route("/", home), Route("/hello", hello)])</c> is an <see cref="AsgiRouter"/>.</summary>
    public static AsgiApp Routed()
    {
        static Task<AsgiResponse> Home(AsgiRequest request) => Task.FromResult<AsgiResponse>(new TextResponse("Home"));
        static Task<AsgiResponse> Hello(AsgiRequest request) => Task.FromResult<AsgiResponse>(new TextResponse("Hello"));
        var starletteApp = new AsgiRouter()
            .MapGet("/", Home)
            .MapGet("/hello", Hello);
        return (scope, receive, send) => starletteApp.InvokeAsync(scope, receive, send);
    }
}
