using AsgiBridge.Composition;
using AsgiBridge.Conversion;
using Message = System.Collections.Generic.Dictionary<string, object?>;

namespace AsgiBridge.Seeds.Tests.Ports;

/// <summary>
/// Seed 000 "Different ways to structure ASGI applications": the closure, functools.partial and class shapes
/// (python/seed000_shapes.py), each with the shared body the Python file fills the article's "..." with.
/// </summary>
internal static class Seed000Shapes
{
    /// <summary>1. A closure binds the scope to an ASGI instance.</summary>
    public static AsgiApp Closure { get; } = AsgiApps.FromDoubleCallable(scope =>
    {
        Py.Assert((string?)scope["type"] == "http");

        Task Asgi(AsgiReceive receive, AsgiSend send) => HelloAsync(receive, send, "closure");

        return Asgi;
    });

    /// <summary>2. functools.partial binds the scope: C#'s partial application is a lambda over the method.</summary>
    public static AsgiApp Partial { get; } = AsgiApps.FromDoubleCallable(AsgiApplication);

    /// <summary>3. A class whose constructor takes the scope, run once per connection.</summary>
    public static AsgiApp Class { get; } = AsgiApps.PerConnection(scope => new AsgiApplicationClass(scope));

    private static Task AsgiInstance(AsgiReceive receive, AsgiSend send, AsgiScope scope) => HelloAsync(receive, send, "partial");

    private static Func<AsgiReceive, AsgiSend, Task> AsgiApplication(AsgiScope scope)
    {
        Py.Assert((string?)scope["type"] == "http");
        return (receive, send) => AsgiInstance(receive, send, scope: scope);
    }

    private static async Task HelloAsync(AsgiReceive receive, AsgiSend send, string shape)
    {
        var body = new List<byte>();
        var moreBody = true;
        while (moreBody)
        {
            var message = await receive.ReceiveDictionaryAsync();
            Py.Assert((string?)message["type"] == "http.request");
            body.AddRange((byte[]?)message.GetValueOrDefault("body") ?? []);
            moreBody = (bool?)message.GetValueOrDefault("more_body") ?? false;
        }

        await send.SendAsync(new Message
        {
            ["type"] = "http.response.start",
            ["status"] = 200,
            ["headers"] = new[] { new[] { "content-type"u8.ToArray(), "text/plain"u8.ToArray() } },
        });
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.body",
            ["body"] = Py.B($"{shape} read {body.Count} bytes"),
        });
    }

    /// <summary>The class shape: the scope is kept for the connection's lifetime.</summary>
    private sealed class AsgiApplicationClass : IAsgiConnectionHandler
    {
        private readonly AsgiScope _scope;

        public AsgiApplicationClass(AsgiScope scope)
        {
            Py.Assert((string?)scope["type"] == "http");
            _scope = scope;
        }

        public Task RunAsync(AsgiReceive receive, AsgiSend send) => HelloAsync(receive, send, "class");
    }
}
