using AsgiBridge.Diagnostics;
using System.Diagnostics.Metrics;
using AsgiBridge.Server;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AsgiBridge.Hosting;

/// <summary>
/// What every mounted application of one host shares: the options (read once), the bridge's logger, and the connections
/// being served (for the graceful shutdown). One per host, registered by <c>AddAsgi</c>.
/// </summary>
internal sealed class AsgiBridgeRuntime : IDisposable
{
    public AsgiBridgeRuntime(IOptions<AsgiOptions> options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        Options = options.Value;
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Logger = LoggerFactory.CreateLogger(AsgiLog.Category);
        Metrics = new AsgiMetrics(meterFactory);
    }

    /// <summary>The bridge's instruments and activity source.</summary>
    public AsgiMetrics Metrics { get; }

    /// <summary>The options.</summary>
    public AsgiOptions Options { get; }

    /// <summary>The logger factory of the host.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The bridge's logger (category <c>AsgiBridge</c>).</summary>
    public ILogger Logger { get; }

    /// <summary>The connections being served.</summary>
    public ConnectionTracker Connections { get; } = new();

    /// <inheritdoc />
    public void Dispose() => Metrics.Dispose();
}
