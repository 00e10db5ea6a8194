using AsgiBridge.Composition;
using AsgiBridge.Examples;
using AsgiBridge.Toolkit;

namespace SseDemo;

/// <summary>
/// The server-sent events demo: the page at <c>/</c> subscribes with <c>EventSource</c> to <c>/events</c>, a
/// <c>text/event-stream</c> of clock ticks, and shows each one as it arrives.
/// </summary>
public partial class Program
{
    /// <summary>The configuration key of the tick interval in milliseconds (default 1000).</summary>
    public const string TickIntervalKey = "SseDemo:TickMilliseconds";

    /// <summary>Runs the demo.</summary>
    /// <param name="args">Command-line arguments (for example <c>--urls http://127.0.0.1:5000</c>).</param>
    public static void Main(string[] args) => CreateApp(args).Run();

    /// <summary>Builds the demo application without starting it (tests start it on a port of their choice).</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <returns>The application.</returns>
    public static WebApplication CreateApp(string[] args)
    {
        var builder = ExampleLogging.CreateBuilder(args);
        builder.Services.AddAsgi();

        var app = builder.Build();
        var interval = TimeSpan.FromMilliseconds(app.Configuration.GetValue(TickIntervalKey, 1000));

        // One line per request, written when it ends: a stream the browser left says "ClientDisconnected".
        app.UseExampleRequestLogging();
        app.UseAsgi(pipeline => pipeline
            .UseServerErrors()
            .Run(ClockApp.Create(interval)));
        return app;
    }
}
