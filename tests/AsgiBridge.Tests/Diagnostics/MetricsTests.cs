using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using AsgiBridge.Diagnostics;
using AsgiBridge.Hosting;
using AsgiBridge.Messages;
using AsgiBridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AsgiBridge.Tests.Diagnostics;

/// <summary>The meter <c>AsgiBridge</c> and the connection activity, observed through the listeners OpenTelemetry uses.</summary>
public sealed class MetricsTests
{
    private static (RequestDelegate Handler, IMeterFactory Meters) Mount(AsgiApp app)
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new AsgiOptions()));
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton<AsgiBridgeRuntime>();
        var provider = services.BuildServiceProvider();
        return (MountedApp.Create(provider, app, rootPath: null), provider.GetRequiredService<IMeterFactory>());
    }

    [Fact]
    public async Task Connections_messages_and_durations_are_recorded_with_their_tags()
    {
        var (handler, meters) = Mount(async (scope, receive, send) =>
        {
            await receive();
            await AsgiTestApps.SendTextAsync(send, 200, "ok");
        });
        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Meter.Name == AsgiMetrics.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, ToDictionary(tags))));
        listener.Start();

        await handler(HttpContextHarness.Context());

        var active = measurements.Where(m => m.Instrument == "asgi.server.active_connections").ToList();
        Assert.Equal([1d, -1d], active.Select(m => m.Value));
        Assert.All(active, m => Assert.Equal("http", m.Tags["asgi.scope.type"]));
        var sent = measurements.Where(m => m.Instrument == "asgi.server.messages.sent").Select(m => (string)m.Tags["asgi.message.type"]!).ToList();
        Assert.Equal(["http.response.start", "http.response.body"], sent);
        var received = Assert.Single(measurements, m => m.Instrument == "asgi.server.messages.received");
        Assert.Equal("http.request", received.Tags["asgi.message.type"]);
        var duration = Assert.Single(measurements, m => m.Instrument == "asgi.server.connection.duration");
        Assert.Equal("completed", duration.Tags["asgi.connection.end"]);
        Assert.True(duration.Value >= 0);
    }

    [Fact]
    public async Task A_connection_activity_carries_the_outcome_when_a_listener_samples_it()
    {
        var (handler, _) = Mount((scope, receive, send) => throw new InvalidOperationException("boom"));
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == AsgiMetrics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var context = HttpContextHarness.Context(path: "/fails");
        await handler(context);

        var activity = Assert.Single(stopped, a => (string?)a.GetTagItem("url.path") == "/fails");
        Assert.Equal(AsgiMetrics.ConnectionActivityName, activity.OperationName);
        Assert.Equal("application_error", activity.GetTagItem("asgi.connection.end"));
        Assert.Equal(500, activity.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
        Assert.Equal(typeof(InvalidOperationException).FullName, activity.GetTagItem("error.type"));
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in tags)
        {
            result[key] = value;
        }

        return result;
    }
}
