using AsgiBridge.Composition;
using AsgiBridge.Conversion;
using Message = System.Collections.Generic.Dictionary<string, object?>;

namespace AsgiBridge.Seeds.Tests.Ports;

/// <summary>Seed 004 "Introduction to ASGI": the class app, the function app and the middleware (python/seed004_intro.py).</summary>
internal static class Seed004Intro
{
    /// <summary><c>app = ASGIApp()</c>.</summary>
    public static AsgiApp App { get; } = AsgiApps.FromObject(new AsgiAppClass());

    /// <summary>The middleware around an app that reports what it received in <c>some_param</c>.</summary>
    public static AsgiApp FixedMiddlewareApp { get; } = AsgiApps.FromObject(new AsgiMiddlewareClass(ReportsSomeParam));

    /// <summary>The function app.</summary>
    public static async Task FunctionApp(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        var message = await receive();
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.start",
            ["status"] = 200,
            ["headers"] = Array.Empty<object>(),
        });
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.body",
            ["body"] = Py.B("hello world"),
        });
    }

    private static async Task ReportsSomeParam(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        await receive();
        await send.SendAsync(new Message { ["type"] = "http.response.start", ["status"] = 200, ["headers"] = new[] { new[] { "content-type"u8.ToArray(), "text/plain"u8.ToArray() } } });
        await send.SendAsync(new Message { ["type"] = "http.response.body", ["body"] = Py.B(scope["some_param"] is true ? "True" : "None") });
    }

    private sealed class AsgiAppClass : IAsgiApplication
    {
        public Task InvokeAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send) => FunctionApp(scope, receive, send);
    }

    /// <summary>
    /// The article's middleware, with its (scope, send, receive) parameter order kept: it hands them on in the same order,
    /// so the swap is harmless in Python. C# types the two callables, so the port names them for what they are.
    /// </summary>
    private sealed class AsgiMiddlewareClass(AsgiApp asgiApp) : IAsgiApplication
    {
        public async Task InvokeAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send)
        {
            // We have to copy the scope before modifying it to prevent changes
            // from leaking upstream:
            var newScope = scope.Copy();
            newScope["some_param"] = true;
            await asgiApp(newScope, receive, send);
        }
    }
}
