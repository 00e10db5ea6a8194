using System.Text;
using AsgiBridge.Messages;

namespace AsgiBridge.Tests.Conversion;

/// <summary>One sample of every ASGI message, as the typed message and as the dictionary the specification describes.</summary>
internal static class MessageSamples
{
    /// <summary>A header value with bytes 0x80–0xFF, which only survive when bytes map 1:1 onto characters.</summary>
    public const string HighBytes = "caf\u00e9 \u0080\u00ff";

    public static readonly IReadOnlyDictionary<string, (AsgiMessage Message, Dictionary<string, object?> Dictionary)> All =
        new Dictionary<string, (AsgiMessage, Dictionary<string, object?>)>
        {
            ["http.request"] = (new HttpRequestBody(B("chunk"), moreBody: true),
                D("http.request", ("body", B("chunk")), ("more_body", true))),
            ["http.disconnect"] = (HttpDisconnect.Instance, D("http.disconnect")),
            ["http.response.start"] = (new HttpResponseStart(201, [new("content-type", "text/plain"), new("x-raw", HighBytes), new("set-cookie", "a=1"), new("set-cookie", "b=2")], trailers: true),
                D("http.response.start", ("status", 201),
                    ("headers", H(("content-type", "text/plain"), ("x-raw", HighBytes), ("set-cookie", "a=1"), ("set-cookie", "b=2"))), ("trailers", true))),
            ["http.response.body"] = (new HttpResponseBody(B("hello"), moreBody: true),
                D("http.response.body", ("body", B("hello")), ("more_body", true))),
            ["http.response.trailers"] = (new HttpResponseTrailers([new("grpc-status", "0")], moreTrailers: true),
                D("http.response.trailers", ("headers", H(("grpc-status", "0"))), ("more_trailers", true))),
            ["http.response.pathsend"] = (new HttpResponsePathSend("/srv/files/r\u00e9sum\u00e9.pdf"),
                D("http.response.pathsend", ("path", "/srv/files/r\u00e9sum\u00e9.pdf"))),
            ["http.response.early_hint"] = (new HttpResponseEarlyHint(["</style.css>; rel=preload; as=style", "</\u00e9.js>; rel=preload"]),
                D("http.response.early_hint", ("links", new List<object?> { B("</style.css>; rel=preload; as=style"), B("</\u00e9.js>; rel=preload") }))),
            ["http.response.push"] = (new HttpResponsePush("/app.js", [new("accept", "*/*")]),
                D("http.response.push", ("path", "/app.js"), ("headers", H(("accept", "*/*"))))),
            ["http.response.debug"] = (new HttpResponseDebug(new Dictionary<string, object?> { ["template"] = "index.html", ["context"] = new Dictionary<string, object?> { ["n"] = 1 } }),
                D("http.response.debug", ("info", new Dictionary<string, object?> { ["template"] = "index.html", ["context"] = new Dictionary<string, object?> { ["n"] = 1 } }))),
            ["websocket.connect"] = (WebSocketConnect.Instance, D("websocket.connect")),
            ["websocket.accept"] = (new WebSocketAccept("chat.v2", [new("x-session", HighBytes)]),
                D("websocket.accept", ("subprotocol", "chat.v2"), ("headers", H(("x-session", HighBytes))))),
            ["websocket.receive text"] = (WebSocketReceive.FromText("h\u00e9llo \U0001F600"),
                D("websocket.receive", ("text", "h\u00e9llo \U0001F600"))),
            ["websocket.receive bytes"] = (WebSocketReceive.FromBytes(new byte[] { 0, 0x80, 0xFF }),
                D("websocket.receive", ("bytes", new byte[] { 0, 0x80, 0xFF }))),
            ["websocket.send text"] = (WebSocketSend.FromText("hi"), D("websocket.send", ("text", "hi"))),
            ["websocket.send bytes"] = (WebSocketSend.FromBytes(Array.Empty<byte>()), D("websocket.send", ("bytes", Array.Empty<byte>()))),
            ["websocket.disconnect"] = (new WebSocketDisconnect(1005, "gone"), D("websocket.disconnect", ("code", 1005), ("reason", "gone"))),
            ["websocket.close"] = (new WebSocketClose(4001, "policy"), D("websocket.close", ("code", 4001), ("reason", "policy"))),
            ["websocket.http.response.start"] = (new WebSocketHttpResponseStart(401, [new("www-authenticate", "Bearer")]),
                D("websocket.http.response.start", ("status", 401), ("headers", H(("www-authenticate", "Bearer"))))),
            ["websocket.http.response.body"] = (new WebSocketHttpResponseBody(B("denied"), moreBody: false),
                D("websocket.http.response.body", ("body", B("denied")), ("more_body", false))),
            ["lifespan.startup"] = (LifespanStartup.Instance, D("lifespan.startup")),
            ["lifespan.startup.complete"] = (LifespanStartupComplete.Instance, D("lifespan.startup.complete")),
            ["lifespan.startup.failed"] = (new LifespanStartupFailed("database unreachable"), D("lifespan.startup.failed", ("message", "database unreachable"))),
            ["lifespan.shutdown"] = (LifespanShutdown.Instance, D("lifespan.shutdown")),
            ["lifespan.shutdown.complete"] = (LifespanShutdownComplete.Instance, D("lifespan.shutdown.complete")),
            ["lifespan.shutdown.failed"] = (new LifespanShutdownFailed("flush failed"), D("lifespan.shutdown.failed", ("message", "flush failed"))),
        };

    public static TheoryData<string> Names => new(All.Keys);

    public static byte[] B(string latin1) => Encoding.Latin1.GetBytes(latin1);

    public static List<object?> H(params (string Name, string Value)[] headers) =>
        headers.Select(h => (object?)new List<object?> { B(h.Name), B(h.Value) }).ToList();

    public static Dictionary<string, object?> D(string type, params (string Key, object? Value)[] fields)
    {
        var d = new Dictionary<string, object?> { ["type"] = type };
        foreach (var (key, value) in fields)
        {
            d[key] = value;
        }

        return d;
    }
}
