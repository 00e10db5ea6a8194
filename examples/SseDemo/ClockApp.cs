using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using AsgiBridge.Toolkit;

namespace SseDemo;

/// <summary>The demo's routes: the page and the event stream.</summary>
public static class ClockApp
{
    /// <summary>Builds the router.</summary>
    /// <param name="interval">Time between two ticks.</param>
    /// <returns>The router.</returns>
    public static AsgiRouter Create(TimeSpan interval)
    {
        var router = new AsgiRouter();
        router.MapGet("/", request => Task.FromResult<AsgiResponse>(new HtmlResponse(ClockPage.Render(request.RootPath + "/events"))));
        router.MapGet("/events", request => Task.FromResult<AsgiResponse>(
            new ServerSentEventsResponse(token => Ticks(interval, FirstTick(request), token))));
        return router;
    }

    /// <summary>Continues after the last id the browser saw when it reconnects (<c>Last-Event-ID</c>), else starts at 1.</summary>
    private static long FirstTick(AsgiRequest request) =>
        long.TryParse(request.Headers.Get("last-event-id"), NumberStyles.None, CultureInfo.InvariantCulture, out var last) ? last + 1 : 1;

    /// <summary>One <c>tick</c> event per interval, until the client goes away (the token is cancelled).</summary>
    private static async IAsyncEnumerable<ServerSentEvent> Ticks(TimeSpan interval, long first, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        for (var n = first; ; n++)
        {
            var data = JsonSerializer.Serialize(new Tick(n, DateTimeOffset.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)), TickJson.Default.Tick);
            yield return new ServerSentEvent(data, Event: "tick", Id: n.ToString(CultureInfo.InvariantCulture),
                Retry: n == first ? TimeSpan.FromSeconds(2) : null);
            if (!await timer.WaitForNextTickAsync(cancellationToken))
            {
                yield break;
            }
        }
    }
}
