using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Lifespan;

/// <summary>What running one application's lifespan needs from the host: settings, a logger, and the host's lifetime.</summary>
/// <param name="Options">The lifespan settings.</param>
/// <param name="Logger">The lifespan logger.</param>
/// <param name="Lifetime">The host's lifetime, used to stop the host when a lifespan fails in <see cref="LifespanMode.On"/>.</param>
/// <param name="Metrics">The bridge's instruments, when the bridge runtime is registered.</param>
internal sealed record LifespanContext(AsgiLifespanOptions Options, ILogger Logger, IHostApplicationLifetime? Lifetime, Diagnostics.AsgiMetrics? Metrics = null);
