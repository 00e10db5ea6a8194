using AsgiBridge.Composition;
using AsgiBridge.Conversion;
using Message = System.Collections.Generic.Dictionary<string, object?>;

namespace AsgiBridge.Seeds.Tests.Ports;

/// <summary>Seed 000 "Working with ASGI and HTTP", example.py: the first "Hello, World!" application (python/seed000_example.py).</summary>
internal static class Seed000Example
{
    /// <summary><c>def app(scope)</c>: ASGI 2's double callable, as uvicorn's interface "auto" runs it.</summary>
    public static AsgiApp App { get; } = AsgiApps.FromDoubleCallable(scope =>
    {
        Py.Assert((string?)scope["type"] == "http"); // Ignore anything other than HTTP

        async Task Asgi(AsgiReceive receive, AsgiSend send)
        {
            await send.SendAsync(new Message
            {
                ["type"] = "http.response.start",
                ["status"] = 200,
                ["headers"] = new[]
                {
                    new[] { "content-type"u8.ToArray(), "text/plain"u8.ToArray() },
                },
            });
            await send.SendAsync(new Message
            {
                ["type"] = "http.response.body",
                ["body"] = "Hello, World!"u8.ToArray(),
            });
        }

        return Asgi;
    });
}
