namespace AsgiBridge.Diagnostics;

/// <summary>
/// The names under which the bridge publishes its metrics and traces, for subscribing to them: OpenTelemetry's
/// <c>AddMeter(AsgiTelemetryNames.MeterName)</c> and <c>AddSource(AsgiTelemetryNames.ActivitySourceName)</c>, or a
/// <see cref="System.Diagnostics.Metrics.MeterListener"/> / <see cref="System.Diagnostics.ActivityListener"/>.
/// </summary>
public static class AsgiTelemetryNames
{
    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> of the bridge's instruments (<c>asgi.server.*</c>, <c>asgi.lifespan.*</c>).</summary>
    public const string MeterName = "AsgiBridge";

    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> of the bridge's activities.</summary>
    public const string ActivitySourceName = "AsgiBridge";

    /// <summary>The operation name of the activity started for each connection, a child of ASP.NET Core's request activity.</summary>
    public const string ConnectionActivityName = "AsgiBridge.Connection";
}
