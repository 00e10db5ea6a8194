using AsgiBridge.Examples.Tests.Infrastructure;

namespace AsgiBridge.Examples.Tests;

/// <summary>
/// HelloAsgi with <c>--telemetry-console</c>: the bridge's activity and instruments reach OpenTelemetry's exporter
/// beside ASP.NET Core's own, as a user who wires <c>AddOpenTelemetry()</c> would see them.
/// </summary>
public sealed class TelemetryExampleTests
{
    [Fact]
    public async Task HelloAsgi_exports_the_connection_activity_and_the_bridge_instruments_through_OpenTelemetry()
    {
        await using var example = await ExampleProcess.StartAsync("HelloAsgiAssembly", "--telemetry-console");
        using var http = new HttpClient { BaseAddress = example.BaseAddress };

        Assert.Equal("Hello, world!", await http.GetStringAsync("/"));
        Assert.Equal("hi", await (await http.PostAsync("/echo", new StringContent("hi"))).Content.ReadAsStringAsync());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("/missing")).StatusCode);
        await example.WaitForLineAsync(line => line.Contains("url.path: /missing", StringComparison.Ordinal));
        Assert.Equal(0, await example.StopAsync()); // stopping flushes the metric exporter
        var lines = example.Lines;
        var text = string.Join('\n', lines);

        var activities = Activities(lines).Where(a => a.Contains("Activity.DisplayName:        AsgiBridge.Connection", StringComparison.Ordinal)).ToList();
        Assert.True(activities.Count == 3, "Expected one bridge activity per request. The example wrote:\n" + text);
        var missing = Assert.Single(activities, a => a.Contains("url.path: /missing", StringComparison.Ordinal));
        Assert.Contains("http.response.status_code: 404", missing, StringComparison.Ordinal);
        Assert.Contains("asgi.connection.end: completed", missing, StringComparison.Ordinal);
        Assert.Contains("asgi.scope.type: http", missing, StringComparison.Ordinal);
        Assert.Contains("Activity.ParentSpanId:", missing, StringComparison.Ordinal); // a child of ASP.NET Core's request activity
        Assert.Contains(activities, a => a.Contains("url.path: /", StringComparison.Ordinal) && a.Contains("http.response.status_code: 200", StringComparison.Ordinal));

        foreach (var instrument in new[] { "asgi.server.active_connections", "asgi.server.connection.duration", "asgi.server.messages.sent", "asgi.server.messages.received", "http.server.request.duration" })
        {
            Assert.True(text.Contains($"Metric Name: {instrument},", StringComparison.Ordinal), $"No {instrument} was exported. The example wrote:\n{text}");
        }
    }

    /// <summary>The console exporter writes each activity as a block that starts with its trace id.</summary>
    private static IEnumerable<string> Activities(IReadOnlyList<string> lines)
    {
        var block = new List<string>();
        foreach (var line in lines)
        {
            if (line.StartsWith("Activity.TraceId:", StringComparison.Ordinal) && block.Count > 0)
            {
                yield return string.Join('\n', block);
                block.Clear();
            }

            block.Add(line);
        }

        if (block.Count > 0)
        {
            yield return string.Join('\n', block);
        }
    }
}
