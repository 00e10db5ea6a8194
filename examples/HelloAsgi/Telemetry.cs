using AsgiBridge.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace HelloAsgi;

/// <summary>
/// OpenTelemetry for the bridge and ASP.NET Core: the bridge's meter and activity source next to ASP.NET Core's own,
/// exported over OTLP when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and to the console with
/// <c>--telemetry-console</c> (what a newcomer can try without a collector).
/// </summary>
public static class Telemetry
{
    /// <summary>Registers the providers on <paramref name="builder"/>.</summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="args">The command line; <c>--telemetry-console</c> turns the console exporter on.</param>
    public static void AddExampleTelemetry(this WebApplicationBuilder builder, string[] args)
    {
        var console = args.Contains("--telemetry-console", StringComparer.Ordinal);
        var otlp = !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (!console && !otlp)
        {
            return; // Nothing listens: the bridge records nothing and allocates nothing for telemetry.
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(AsgiTelemetryNames.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel");
                if (console)
                {
                    metrics.AddConsoleExporter();
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(AsgiTelemetryNames.ActivitySourceName, "Microsoft.AspNetCore");
                if (console)
                {
                    tracing.AddConsoleExporter();
                }
            });
        if (otlp)
        {
            telemetry.UseOtlpExporter();
        }
    }
}
