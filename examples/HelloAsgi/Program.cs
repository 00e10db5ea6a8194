using System.Text;
using System.Text.Json;
using AsgiBridge;
using AsgiBridge.Examples;
using AsgiBridge.Messages;
using HelloAsgi;

// HelloAsgi: the smallest AsgiBridge application. An ASGI app written the way a Python one is:
// it looks at scope.Path, reads the body through receive(), and answers through send().
// Logs go through Serilog, one line per request (examples/Shared/ExampleLogging.cs; --json-logs for JSON).
// Metrics and traces go through OpenTelemetry (Telemetry.cs; --telemetry-console, or OTEL_EXPORTER_OTLP_ENDPOINT).
var builder = ExampleLogging.CreateBuilder(args);
builder.AddExampleTelemetry(args);
builder.Services.AddAsgi();

var app = builder.Build();
app.UseExampleRequestLogging();
app.UseAsgi(HelloApp.Run);
app.Run();

/// <summary>The example's entry point; public so integration tests can use <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;

/// <summary>The example ASGI application: hello world, a JSON dump of the scope, and a streaming echo.</summary>
public static class HelloApp
{
    private static readonly byte[] s_hello = "Hello, world!"u8.ToArray();

    private static readonly HttpResponseStart s_helloStart = new(200,
    [
        new("content-type", "text/plain; charset=utf-8"),
    ]);

    /// <summary>The ASGI application.</summary>
    /// <param name="scope">The connection scope.</param>
    /// <param name="receive">The receive callable.</param>
    /// <param name="send">The send callable.</param>
    /// <returns>A task that completes when the request is handled.</returns>
    public static async Task Run(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        if (scope is not HttpScope http)
        {
            throw new NotSupportedException($"Scope type '{scope.Type}' is not supported by this app.");
        }

        switch (http.Path[http.RootPath.Length..])
        {
            case "/" or "":
                await send(s_helloStart);
                await send(new HttpResponseBody(s_hello));
                break;
            case "/scope":
                await SendJson(send, ScopeJson(http));
                break;
            case "/echo":
                await Echo(http, receive, send);
                break;
            default:
                await send(new HttpResponseStart(404, [new("content-type", "text/plain; charset=utf-8")]));
                await send(new HttpResponseBody("Not Found"u8.ToArray()));
                break;
        }
    }

    private static async Task Echo(HttpScope scope, AsgiReceive receive, AsgiSend send)
    {
        // Streams the request body back as it arrives: nothing is buffered whole.
        var contentType = scope.Headers.GetFirst("content-type") ?? "application/octet-stream";
        await send(new HttpResponseStart(200, [new("content-type", contentType)]));
        while (true)
        {
            var message = await receive();
            if (message is HttpRequestBody body)
            {
                await send(new HttpResponseBody(body.Body, moreBody: body.MoreBody));
                if (!body.MoreBody)
                {
                    return;
                }
            }
            else
            {
                return; // http.disconnect: the client went away.
            }
        }
    }

    private static ValueTask SendJson(AsgiSend send, byte[] json) => SendJsonCore(send, json);

    private static async ValueTask SendJsonCore(AsgiSend send, byte[] json)
    {
        await send(new HttpResponseStart(200, [new("content-type", "application/json")]));
        await send(new HttpResponseBody(json));
    }

    /// <summary>Renders the scope as JSON, byte strings as Latin-1 text, the way the seeds' scope dump does.</summary>
    /// <param name="scope">The scope.</param>
    /// <returns>UTF-8 JSON.</returns>
    public static byte[] ScopeJson(HttpScope scope)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("type", scope.Type);
            json.WriteStartObject("asgi");
            json.WriteString("version", scope.Asgi.Version);
            json.WriteString("spec_version", scope.Asgi.SpecVersion);
            json.WriteEndObject();
            json.WriteString("http_version", scope.HttpVersion);
            json.WriteString("method", scope.Method);
            json.WriteString("scheme", scope.Scheme);
            json.WriteString("path", scope.Path);
            json.WriteString("raw_path", scope.RawPath is { } raw ? Encoding.Latin1.GetString(raw.Span) : null);
            json.WriteString("query_string", Encoding.Latin1.GetString(scope.QueryString.Span));
            json.WriteString("root_path", scope.RootPath);
            json.WriteStartArray("headers");
            foreach (var (name, value) in scope.Headers)
            {
                json.WriteStartArray();
                json.WriteStringValue(name);
                json.WriteStringValue(value);
                json.WriteEndArray();
            }

            json.WriteEndArray();
            WriteEndpoint(json, "client", scope.Client);
            WriteEndpoint(json, "server", scope.Server);
            json.WriteStartArray("extensions");
            foreach (var name in scope.Extensions?.Keys ?? [])
            {
                json.WriteStringValue(name);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static void WriteEndpoint(Utf8JsonWriter json, string name, AsgiAddress? endpoint)
    {
        if (endpoint is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartArray(name);
        json.WriteStringValue(endpoint.Host);
        if (endpoint.Port is { } port)
        {
            json.WriteNumberValue(port);
        }
        else
        {
            json.WriteNullValue();
        }

        json.WriteEndArray();
    }
}
