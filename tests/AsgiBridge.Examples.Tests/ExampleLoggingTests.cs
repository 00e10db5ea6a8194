using System.Text.Json;
using AsgiBridge.Examples.Tests.Infrastructure;

namespace AsgiBridge.Examples.Tests;

/// <summary>
/// What a user sees on the console when running an example: one line per request (the bridge's outcome in it, no
/// ASP.NET Core "Request starting/finished" pair, nothing from Kestrel when an SSE client leaves, no stack trace),
/// and compact JSON with <c>--json-logs</c>.
/// </summary>
public sealed class ExampleLoggingTests
{
    private static bool IsRequestLine(string line) => line.Contains("] Serilog.AspNetCore.RequestLoggingMiddleware: HTTP ", StringComparison.Ordinal);

    [Fact]
    public async Task SseDemo_logs_one_line_per_request_and_a_leaving_sse_client_as_client_disconnected()
    {
        await using var example = await ExampleProcess.StartAsync("SseDemoAssembly", "--SseDemo:TickMilliseconds=50");
        using var http = new HttpClient { BaseAddress = example.BaseAddress };

        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("/missing")).StatusCode);
        using (var events = await http.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead))
        {
            using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());
            while (await reader.ReadLineAsync() is { } line && !line.StartsWith("id: 2", StringComparison.Ordinal))
            {
            }
        }

        await example.WaitForLineAsync(line => IsRequestLine(line) && line.Contains("/events", StringComparison.Ordinal));
        Assert.Equal(0, await example.StopAsync());
        var lines = example.Lines;

        var requests = lines.Where(IsRequestLine).ToList();
        Assert.True(requests.Count == 3, "Expected one line per request. The example wrote:\n" + string.Join('\n', lines));
        Assert.Single(requests, line => line.Contains(" INF] ", StringComparison.Ordinal) && line.Contains("HTTP GET / responded 200 in ", StringComparison.Ordinal) && line.EndsWith("(completed)", StringComparison.Ordinal));
        Assert.Single(requests, line => line.Contains("HTTP GET /missing responded 404 in ", StringComparison.Ordinal));
        Assert.Single(requests, line => line.Contains(" INF] ", StringComparison.Ordinal) && line.Contains("HTTP GET /events responded 200 in ", StringComparison.Ordinal) && line.EndsWith("(client disconnected)", StringComparison.Ordinal));

        Assert.DoesNotContain(lines, line => line.Contains("Request starting", StringComparison.Ordinal) || line.Contains("Request finished", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("Kestrel", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains(" WRN] ", StringComparison.Ordinal) || line.Contains(" ERR] ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HelloAsgi_writes_compact_json_with_json_logs_and_no_stack_trace_for_its_lifespan_refusal()
    {
        await using var example = await ExampleProcess.StartAsync("HelloAsgiAssembly", "--json-logs");
        using var http = new HttpClient { BaseAddress = example.BaseAddress };

        Assert.Equal("Hello, world!", await http.GetStringAsync("/"));
        Assert.Equal("hi", await (await http.PostAsync("/echo", new StringContent("hi"))).Content.ReadAsStringAsync());
        await example.WaitForLineAsync(line => line.Contains("\"RequestPath\":\"/echo\"", StringComparison.Ordinal));
        Assert.Equal(0, await example.StopAsync());

        var events = example.Lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var requests = events.Where(e => e.TryGetProperty("RequestPath", out _)).ToList();
        Assert.Equal(2, requests.Count);
        Assert.All(requests, e => Assert.Equal("Completed", e.GetProperty("AsgiEnd").GetString()));
        Assert.Equal(["/", "/echo"], requests.Select(e => e.GetProperty("RequestPath").GetString()));
        Assert.Equal(200, requests[0].GetProperty("StatusCode").GetInt32());
        Assert.Equal("GET", requests[0].GetProperty("RequestMethod").GetString());
        Assert.StartsWith("HTTP {RequestMethod} {RequestPath} responded {StatusCode}", requests[0].GetProperty("@mt").GetString(), StringComparison.Ordinal);

        // The app raises on the lifespan scope (HelloApp supports HTTP only): one line, no exception, no stack trace.
        var lifespan = Assert.Single(events, e => e.GetProperty("@mt").GetString()!.Contains("lifespan", StringComparison.OrdinalIgnoreCase));
        Assert.False(lifespan.TryGetProperty("@x", out _));
        Assert.False(lifespan.TryGetProperty("@l", out _)); // Information is CLEF's default level, so "@l" is left out
    }
}
