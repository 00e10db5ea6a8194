using System.Net;
using AsgiBridge.TestInfrastructure.Logging;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Examples.Tests;

[Collection(nameof(WebApplicationFactoryGroup))]
public sealed class SseDemoExampleTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly TestLogSink _sink = new();
    private readonly WebApplicationFactory<SseDemo.Program> _factory;

    public SseDemoExampleTests()
    {
        _factory = new WebApplicationFactory<SseDemo.Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting(SseDemo.Program.TickIntervalKey, "50");
            builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(_sink));
        });
    }

    public void Dispose() => _factory.Dispose();

    private static async Task<List<Dictionary<string, string>>> ReadEventsAsync(StreamReader reader, int count)
    {
        var events = new List<Dictionary<string, string>>();
        var current = new Dictionary<string, string>();
        while (events.Count < count)
        {
            var line = await reader.ReadLineAsync().WaitAsync(Timeout) ?? throw new EndOfStreamException();
            if (line.Length == 0)
            {
                if (current.Count > 0)
                {
                    events.Add(current);
                    current = [];
                }

                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            current[line[..colon]] = line[(colon + 1)..].TrimStart();
        }

        return events;
    }

    [Fact]
    public async Task Page_subscribes_to_the_event_stream()
    {
        using var client = _factory.CreateClient();

        using var response = await client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("new EventSource(\"/events\")", html, StringComparison.Ordinal);
        Assert.Contains("addEventListener(\"tick\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_stream_ticks_and_stop_cleanly_when_the_client_leaves()
    {
        using var client = _factory.CreateClient();
        using (var response = await client.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal("no-cache", response.Headers.CacheControl!.ToString());
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

            var events = await ReadEventsAsync(reader, 3);

            Assert.All(events, e => Assert.Equal("tick", e["event"]));
            Assert.Equal(["1", "2", "3"], events.Select(e => e["id"]));
            Assert.Equal("2000", events[0]["retry"]);
            Assert.False(events[1].ContainsKey("retry"));
            Assert.Contains("\"n\":2", events[1]["data"], StringComparison.Ordinal);
        }

        // Leaving ends the stream on the server without an application error; the one request line says so.
        var completed = await _sink.WaitForAsync(e => e.Category == "Serilog.AspNetCore.RequestLoggingMiddleware" && e.Message.Contains("\"/events\"", StringComparison.Ordinal));
        Assert.Contains(" responded 200 in ", completed.Message, StringComparison.Ordinal);
        Assert.Contains("client disconnected", completed.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Information, completed.Level);
        Assert.DoesNotContain(_sink.Entries, e => e.Level >= LogLevel.Warning && e.Category.StartsWith("AsgiBridge", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reconnecting_client_resumes_after_its_last_event_id()
    {
        using var client = _factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events");
        request.Headers.Add("Last-Event-ID", "41");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var events = await ReadEventsAsync(reader, 2);

        Assert.Equal(["42", "43"], events.Select(e => e["id"]));
    }
}
