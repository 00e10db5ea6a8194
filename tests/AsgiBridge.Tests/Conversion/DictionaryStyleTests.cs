using System.Net;
using System.Text;
using AsgiBridge.Conversion;
using AsgiBridge.Messages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using static AsgiBridge.Tests.Conversion.MessageSamples;

namespace AsgiBridge.Tests.Conversion;

/// <summary>Dict-style applications (ported line by line from Python) run through the bridge like typed ones.</summary>
public sealed class DictionaryStyleTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    /// <summary>The hello-world app of HelloAsgi, written the way a Python ASGI app is.</summary>
    private static readonly AsgiApp s_dictHello = AsgiDictionaryApp.Create(async (scope, receive, send) =>
    {
        if ((string)scope["type"]! != "http")
        {
            throw new NotSupportedException($"Scope type '{scope["type"]}' is not supported by this app.");
        }

        await send(new Dictionary<string, object?>
        {
            ["type"] = "http.response.start",
            ["status"] = 200,
            ["headers"] = new List<object?> { new List<object?> { "content-type"u8.ToArray(), "text/plain; charset=utf-8"u8.ToArray() } },
        });
        await send(new Dictionary<string, object?> { ["type"] = "http.response.body", ["body"] = "Hello, world!"u8.ToArray() });
    });

    private static async Task<WebApplication> StartAsync(AsgiApp asgiApp)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddAsgi();
        var app = builder.Build();
        app.UseAsgi(asgiApp);
        await app.StartAsync().WaitAsync(s_timeout);
        return app;
    }

    private static async Task<(HttpStatusCode Status, string? ContentType, long? Length, byte[] Body)> GetAsync(AsgiApp asgiApp, HttpRequestMessage request)
    {
        await using var app = await StartAsync(asgiApp);
        using var client = app.GetTestClient();
        using var response = await client.SendAsync(request).WaitAsync(s_timeout);
        var body = await response.Content.ReadAsByteArrayAsync();
        return (response.StatusCode, response.Content.Headers.ContentType?.ToString(), response.Content.Headers.ContentLength, body);
    }

    [Fact]
    public async Task Dict_style_hello_world_answers_exactly_like_the_typed_one()
    {
        var typed = await GetAsync(HelloApp.Run, new HttpRequestMessage(HttpMethod.Get, "/"));
        var dict = await GetAsync(s_dictHello, new HttpRequestMessage(HttpMethod.Get, "/"));

        Assert.Equal(HttpStatusCode.OK, dict.Status);
        Assert.Equal("Hello, world!", Encoding.UTF8.GetString(dict.Body));
        Assert.Equal(typed.Status, dict.Status);
        Assert.Equal(typed.ContentType, dict.ContentType);
        Assert.Equal(typed.Length, dict.Length);
        Assert.Equal(typed.Body, dict.Body);
    }

    [Fact]
    public async Task Dict_style_app_sees_the_scope_and_reads_the_body_as_dictionaries()
    {
        IDictionary<string, object?>? seenScope = null;
        var echo = AsgiDictionaryApp.Create(async (scope, receive, send) =>
        {
            seenScope = scope;
            var body = new MemoryStream();
            while (true)
            {
                var message = await receive();
                Assert.Equal("http.request", message["type"]);
                body.Write((byte[])message["body"]!);
                if (!(bool)message["more_body"]!)
                {
                    break;
                }
            }

            await send(new Dictionary<string, object?>
            {
                ["type"] = "http.response.start",
                ["status"] = 201,
                ["headers"] = new[] { new[] { "x-method"u8.ToArray(), Encoding.ASCII.GetBytes((string)scope["method"]!) } },
            });
            await send(new Dictionary<string, object?> { ["type"] = "http.response.body", ["body"] = body.ToArray(), ["more_body"] = false });
        });

        using var request = new HttpRequestMessage(HttpMethod.Post, "/upload?x=%20")
        {
            Content = new ByteArrayContent(B("payload \u00ff")),
        };
        request.Headers.Add("X-Bin", "v");
        var response = await GetAsync(echo, request);

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal(B("payload \u00ff"), response.Body);
        Assert.NotNull(seenScope);
        Assert.Equal("POST", seenScope["method"]);
        Assert.Equal("/upload", seenScope["path"]);
        Assert.Equal(B("x=%20"), seenScope["query_string"]);
        var headers = ((List<object?>)seenScope["headers"]!).Cast<List<object?>>().ToList();
        Assert.Contains(headers, h => B("x-bin").SequenceEqual((byte[])h[0]!) && B("v").SequenceEqual((byte[])h[1]!));
        var extensions = Assert.IsAssignableFrom<IDictionary<string, object?>>(seenScope["extensions"]);
        Assert.IsAssignableFrom<IDictionary<string, object?>>(extensions[AsgiExtensionNames.PathSend]);
    }

    [Fact]
    public async Task Invalid_dictionary_sent_before_the_response_becomes_a_500()
    {
        AsgiProtocolException? raised = null;
        var broken = AsgiDictionaryApp.Create(async (scope, receive, send) =>
        {
            try
            {
                await send(new Dictionary<string, object?> { ["type"] = "http.response.start", ["status"] = "200" });
            }
            catch (AsgiProtocolException ex)
            {
                raised = ex;
                throw;
            }
        });

        var response = await GetAsync(broken, new HttpRequestMessage(HttpMethod.Get, "/"));
        Assert.Equal(HttpStatusCode.InternalServerError, response.Status);
        Assert.NotNull(raised);
        Assert.Equal(("http.response.start", "status"), (raised.MessageType, raised.Field));
    }

    [Fact]
    public async Task Typed_app_can_mix_in_dictionary_send_and_receive()
    {
        AsgiApp mixed = async (scope, receive, send) =>
        {
            var message = await receive.ReceiveDictionaryAsync();
            await send.SendAsync(new Dictionary<string, object?>
            {
                ["type"] = "http.response.start",
                ["status"] = 200,
                ["headers"] = new List<object?> { new List<object?> { "x-first"u8.ToArray(), Encoding.ASCII.GetBytes((string)message["type"]!) } },
            });
            await send(new HttpResponseBody((byte[])message["body"]!));
        };

        using var request = new HttpRequestMessage(HttpMethod.Put, "/") { Content = new ByteArrayContent(B("abc")) };
        var response = await GetAsync(mixed, request);
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(B("abc"), response.Body);
    }

    [Fact]
    public async Task SendAsync_converts_before_sending_and_rejects_invalid_dictionaries_without_sending()
    {
        var sent = new List<AsgiMessage>();
        AsgiSend send = message =>
        {
            sent.Add(message);
            return ValueTask.CompletedTask;
        };

        await send.SendAsync(new Dictionary<string, object?> { ["type"] = "websocket.send", ["text"] = "hi" });
        IDictionary<string, object?> close = new Dictionary<string, object?> { ["type"] = "websocket.close" };
        await send.SendAsync(close);
        IReadOnlyDictionary<string, object?> accept = new Dictionary<string, object?> { ["type"] = "websocket.accept" };
        await send.SendAsync(accept);
        await Assert.ThrowsAsync<AsgiProtocolException>(async () => await send.SendAsync(new Dictionary<string, object?> { ["type"] = "websocket.send" }));

        Assert.Collection(sent,
            m => Assert.Equal("hi", Assert.IsType<WebSocketSend>(m).Text),
            m => Assert.Equal(1000, Assert.IsType<WebSocketClose>(m).Code),
            m => Assert.IsType<WebSocketAccept>(m));
    }

    [Fact]
    public async Task ReceiveDictionaryAsync_converts_synchronous_and_asynchronous_results()
    {
        AsgiReceive sync = () => new ValueTask<AsgiMessage>(WebSocketReceive.FromText("now"));
        var immediate = sync.ReceiveDictionaryAsync();
        Assert.True(immediate.IsCompletedSuccessfully);
        Assert.Equal("now", (await immediate)["text"]);

        var pending = new TaskCompletionSource<AsgiMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        AsgiReceive later = () => new ValueTask<AsgiMessage>(pending.Task);
        var waiting = later.ReceiveDictionaryAsync();
        Assert.False(waiting.IsCompleted);
        pending.SetResult(new WebSocketDisconnect(1006));
        var message = await waiting.AsTask().WaitAsync(s_timeout);
        Assert.Equal("websocket.disconnect", message["type"]);
        Assert.Equal(1006, message["code"]);
    }
}
