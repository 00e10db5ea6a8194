using System.Globalization;
using AsgiBridge.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace AsgiBridge.Examples;

/// <summary>
/// The logging every example shares (docs/logging.md explains it): Serilog on the console, one line per request from
/// Serilog's request logging with the bridge's outcome of the connection in it, ASP.NET Core's own per-request lines
/// turned off, and compact JSON instead of text with <c>--json-logs</c> (or <c>Logging:Json=true</c>).
/// </summary>
internal static class ExampleLogging
{
    /// <summary>The command-line switch for JSON logs.</summary>
    public const string JsonSwitch = "--json-logs";

    /// <summary>The configuration key for JSON logs (also <c>Logging__Json=true</c> in the environment).</summary>
    public const string JsonKey = "Logging:Json";

    private const string TextTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    private const string RequestTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms ({AsgiOutcome})";

    /// <summary>
    /// <see cref="WebApplication.CreateBuilder(string[])"/> with the example logging added; takes <see cref="JsonSwitch"/>
    /// out of the arguments first, since the command-line configuration would read a bare switch as a key.
    /// </summary>
    /// <param name="args">The command-line arguments.</param>
    /// <returns>The builder.</returns>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var json = args.Contains(JsonSwitch);
        var builder = WebApplication.CreateBuilder(json ? args.Where(arg => arg != JsonSwitch).ToArray() : args);
        if (json)
        {
            builder.Configuration.AddInMemoryCollection([new(JsonKey, "true")]);
        }

        builder.AddExampleLogging();
        return builder;
    }

    /// <summary>Routes every log through Serilog to the console, as text or (with <see cref="JsonKey"/>) compact JSON.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static WebApplicationBuilder AddExampleLogging(this WebApplicationBuilder builder)
    {
        // Serilog writes the console itself; providers registered later (a test's log sink) still get every event.
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog((services, logger) =>
        {
            var configuration = services.GetRequiredService<IConfiguration>();
            logger.MinimumLevel.Information()
                // ASP.NET Core's "Request starting"/"Request finished" pair would double the one request line.
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .ReadFrom.Configuration(configuration)
                .Enrich.FromLogContext();
            if (configuration.GetValue<bool>(JsonKey))
            {
                // CLEF, one event a line: "@t" time, "@mt" template, "@l" level (absent for Information), then the properties.
                logger.WriteTo.Console(new CompactJsonFormatter());
            }
            else
            {
                logger.WriteTo.Console(outputTemplate: TextTemplate, formatProvider: CultureInfo.InvariantCulture);
            }
        }, preserveStaticLogger: true, writeToProviders: true);
        return builder;
    }

    /// <summary>
    /// Logs one line per request when it has finished, with the bridge's outcome (completed, client disconnected,
    /// application error, cut off, WebSocket close code); call it before <c>UseAsgi</c>.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static WebApplication UseExampleRequestLogging(this WebApplication app)
    {
        // The host's own logger, not the static Log.Logger: tests run several hosts in one process.
        var logger = app.Services.GetRequiredService<Serilog.ILogger>();
        app.UseSerilogRequestLogging(options =>
        {
            options.Logger = logger;
            options.MessageTemplate = RequestTemplate;
            options.GetLevel = Level;
            options.EnrichDiagnosticContext = (diagnostics, context) =>
            {
                var outcome = context.GetAsgiOutcome();
                diagnostics.Set("AsgiOutcome", Describe(outcome));
                diagnostics.Set("AsgiEnd", outcome?.End.ToString());
                if (outcome?.WebSocketCloseCode is { } closeCode)
                {
                    diagnostics.Set("WebSocketCloseCode", closeCode);
                }
            };
        });
        return app;
    }

    // The bridge's outcome in a few words; failures keep the outcome's full text (what the bridge did, and why).
    private static string Describe(AsgiConnectionOutcome? outcome) => outcome switch
    {
        null => "not ASGI",
        { End: AsgiConnectionEnd.ClientDisconnected } => "client disconnected",
        { End: AsgiConnectionEnd.Completed, WebSocketCloseCode: { } code } => $"WebSocket closed {code}",
        { End: AsgiConnectionEnd.Completed } => "completed",
        _ => outcome.ToString(),
    };

    private static LogEventLevel Level(HttpContext context, double elapsedMilliseconds, Exception? exception)
    {
        if (exception is not null || context.Response.StatusCode >= 500)
        {
            return LogEventLevel.Error;
        }

        return context.GetAsgiOutcome()?.End switch
        {
            AsgiConnectionEnd.ApplicationError or AsgiConnectionEnd.IncompleteResponse => LogEventLevel.Error,
            AsgiConnectionEnd.ShutdownAborted => LogEventLevel.Warning,
            _ => LogEventLevel.Information,
        };
    }
}
