using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AsgiBridge.Conversion;
using Message = System.Collections.Generic.Dictionary<string, object?>;

namespace AsgiBridge.Seeds.Tests.Ports;

/// <summary>
/// Seed 003 "Fundamentals": the basic application, <c>debug_scope</c>, the class-based router with its handlers, the
/// request body parsers and the basic WebSocket handler (python/seed003_basics.py), in the dictionary style.
/// </summary>
internal static class Seed003Basics
{
    private static readonly JsonSerializerOptions s_indent2 = new() { WriteIndented = true, IndentSize = 2, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The article's <c>app = ASGIApplication()</c> with its two routes, and the handlers the tests mount on it.</summary>
    /// <param name="echoDisconnected">Told what the echo handler's <c>websocket.disconnect</c> carried (the Python file prints a PROBE line).</param>
    /// <returns>The router.</returns>
    public static AsgiApplicationRouter CreateApp(Action<int?>? echoDisconnected = null)
    {
        var app = new AsgiApplicationRouter();
        app.AddHttpRoute("GET", "/", HomeHandler);
        app.AddHttpRoute("GET", "/api", ApiHandler);
        app.AddHttpRoute("GET", "/debug", DebugScope); // test wiring
        app.AddHttpRoute("POST", "/echo", ParseJsonRequest); // test wiring
        app.AddHttpRoute("POST", "/form", ParseFormRequest); // test wiring
        app.AddWebSocketRoute("/ws", (scope, receive, send) => WebSocketHandler(scope, receive, send, echoDisconnected)); // test wiring
        return app;
    }

    /// <summary>The basic application structure.</summary>
    public static async Task Application(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        if ((string?)scope["type"] == "http")
        {
            await HandleHttp(scope, receive, send);
        }
        else
        {
            // The article calls a handle_websocket it never defines; only the else branch matters for the lifespan scope.
            throw new ArgumentException($"Unknown scope type: {scope["type"]}");
        }
    }

    /// <summary>Handle HTTP requests.</summary>
    public static async Task HandleHttp(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.start",
            ["status"] = 200,
            ["headers"] = new[] { new[] { "content-type"u8.ToArray(), "text/plain"u8.ToArray() } },
        });
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.body",
            ["body"] = "Hello World"u8.ToArray(),
        });
    }

    /// <summary>Print scope information.</summary>
    public static async Task DebugScope(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        // HTTP scope information
        if ((string?)scope["type"] == "http")
        {
            var method = scope["method"];
            var path = scope["path"];
            var queryString = Py.Decode(scope["query_string"]);
            var headers = Py.HeaderDict(scope["headers"]).ToDictionary(h => h.Key, h => Py.Decode(h.Value));
            var scopeInfo = new Dictionary<string, object?>
            {
                ["type"] = scope["type"],
                ["method"] = method,
                ["path"] = path,
                ["query_string"] = queryString,
                ["headers"] = headers,
                ["server"] = scope["server"],
                ["client"] = scope["client"],
                ["asgi"] = scope["asgi"],
            };
            var responseBody = JsonSerializer.SerializeToUtf8Bytes(scopeInfo, s_indent2);
            await send.SendAsync(new Message
            {
                ["type"] = "http.response.start",
                ["status"] = 200,
                ["headers"] = new[] { new[] { "content-type"u8.ToArray(), "application/json"u8.ToArray() } },
            });
            await send.SendAsync(new Message
            {
                ["type"] = "http.response.body",
                ["body"] = responseBody,
            });
        }
    }

    /// <summary>The home page.</summary>
    public static async Task HomeHandler(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.start",
            ["status"] = 200,
            ["headers"] = new[] { new[] { "content-type"u8.ToArray(), "text/html"u8.ToArray() } },
        });
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.body",
            ["body"] = "<h1>Home Page</h1>"u8.ToArray(),
        });
    }

    /// <summary>The API response.</summary>
    public static async Task ApiHandler(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.start",
            ["status"] = 200,
            ["headers"] = new[] { new[] { "content-type"u8.ToArray(), "application/json"u8.ToArray() } },
        });
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.body",
            ["body"] = """{"message": "API Response"}"""u8.ToArray(),
        });
    }

    /// <summary>Parse request body from ASGI messages.</summary>
    public static async Task<byte[]> ParseRequestBody(AsgiScope scope, AsgiReceive receive)
    {
        var body = new MemoryStream();
        while (true)
        {
            var message = await receive.ReceiveDictionaryAsync();
            if ((string?)message["type"] == "http.request")
            {
                body.Write((byte[]?)message.GetValueOrDefault("body") ?? []);
                if (!((bool?)message.GetValueOrDefault("more_body") ?? false))
                {
                    break;
                }
            }
            else
            {
                break;
            }
        }

        return body.ToArray();
    }

    /// <summary>Parse JSON request body.</summary>
    public static async Task ParseJsonRequest(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        try
        {
            var body = await ParseRequestBody(scope, receive);
            JsonElement data;
            if (body.Length > 0)
            {
                data = JsonSerializer.Deserialize<JsonElement>(Encoding.UTF8.GetString(body));
            }
            else
            {
                data = JsonSerializer.SerializeToElement(new Dictionary<string, object>());
            }

            // Echo back the JSON data
            var responseData = new Dictionary<string, object?>
            {
                ["received"] = data,
                ["method"] = scope["method"],
                ["path"] = scope["path"],
            };
            var responseBody = Encoding.UTF8.GetBytes(PythonJson.Dumps(responseData));
            await send.SendAsync(new Message
            {
                ["type"] = "http.response.start",
                ["status"] = 200,
                ["headers"] = new[] { new[] { "content-type"u8.ToArray(), "application/json"u8.ToArray() } },
            });
            await send.SendAsync(new Message
            {
                ["type"] = "http.response.body",
                ["body"] = responseBody,
            });
        }
        catch (JsonException)
        {
            await send.SendAsync(new Message
            {
                ["type"] = "http.response.start",
                ["status"] = 400,
                ["headers"] = new[] { new[] { "content-type"u8.ToArray(), "text/plain"u8.ToArray() } },
            });
            await send.SendAsync(new Message
            {
                ["type"] = "http.response.body",
                ["body"] = "Invalid JSON"u8.ToArray(),
            });
        }
    }

    /// <summary>Parse form-encoded request body.</summary>
    public static async Task ParseFormRequest(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        var body = await ParseRequestBody(scope, receive);
        // Parse form data
        var formData = new Dictionary<string, List<string>>();
        var contentType = Py.Decode(Py.HeaderDict(scope["headers"]).GetValueOrDefault("content-type"));
        if (contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal))
        {
            formData = PythonJson.ParseQs(Encoding.UTF8.GetString(body));
        }

        var responseData = new Dictionary<string, object?>
        {
            ["form_data"] = formData,
            ["method"] = scope["method"],
            ["path"] = scope["path"],
        };
        var responseBody = Encoding.UTF8.GetBytes(PythonJson.Dumps(responseData));
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.start",
            ["status"] = 200,
            ["headers"] = new[] { new[] { "content-type"u8.ToArray(), "application/json"u8.ToArray() } },
        });
        await send.SendAsync(new Message
        {
            ["type"] = "http.response.body",
            ["body"] = responseBody,
        });
    }

    /// <summary>Basic WebSocket handler.</summary>
    public static async Task WebSocketHandler(AsgiScope scope, AsgiReceive receive, AsgiSend send, Action<int?>? disconnected = null)
    {
        // Accept the WebSocket connection
        await send.SendAsync(new Message { ["type"] = "websocket.accept" });
        try
        {
            while (true)
            {
                // Wait for messages from client
                var message = await receive.ReceiveDictionaryAsync();
                if ((string?)message["type"] == "websocket.receive")
                {
                    // Handle text and binary messages
                    if (message.TryGetValue("text", out var text))
                    {
                        // Echo back the message
                        await send.SendAsync(new Message
                        {
                            ["type"] = "websocket.send",
                            ["text"] = $"Echo: {text}",
                        });
                    }
                    else if (message.TryGetValue("bytes", out var data))
                    {
                        // Echo back binary data
                        await send.SendAsync(new Message
                        {
                            ["type"] = "websocket.send",
                            ["bytes"] = data,
                        });
                    }
                }
                else if ((string?)message["type"] == "websocket.disconnect")
                {
                    // Client disconnected
                    disconnected?.Invoke((int?)message["code"]); // test wiring
                    break;
                }
            }
        }
        catch (Exception e)
        {
            // Handle errors
            await send.SendAsync(new Message
            {
                ["type"] = "websocket.close",
                ["code"] = 1011, // Internal error
                ["reason"] = e.Message,
            });
        }
    }
}
