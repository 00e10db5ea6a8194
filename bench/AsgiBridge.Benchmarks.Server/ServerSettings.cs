using System.Globalization;

namespace AsgiBridge.Benchmarks;

/// <summary>
/// Command line of the benchmark server: mode, ports and the hosting-recipe switches the bridge does not control
/// (socket transport options, thread pool). Runtime settings (GC mode, tiered compilation, inline socket
/// completions) are environment variables read by the runtime itself; <see cref="RuntimeEnvironment"/> reports them.
/// </summary>
public sealed class ServerSettings
{
    /// <summary>The usage text.</summary>
    public const string Usage =
        "usage: AsgiBridge.Benchmarks.Server <raw|raw-complete|asgi|asgi-user|asgi-dict> <http1-port> <h2c-port>\n" +
        "         [--stats-port N]        plain-TCP endpoint on 127.0.0.1:N answering one line of runtime counters\n" +
        "         [--inline-scheduling]   SocketTransportOptions.UnsafePreferInlineScheduling = true\n" +
        "         [--ioqueues N]          SocketTransportOptions.IOQueueCount = N (0: schedule I/O on the thread pool)\n" +
        "         [--wait-for-data true|false]  SocketTransportOptions.WaitForDataBeforeAllocatingBuffer\n" +
        "         [--min-threads N]       ThreadPool.SetMinThreads(N, N)\n" +
        "         [--no-hosting-diagnostics]  Microsoft.AspNetCore.Hosting.Diagnostics logs off: no per-request Activity and log scope\n" +
        "         [--pool-block N]        Kestrel memory pool with N-byte blocks instead of 4 KiB (bigger socket reads)\n" +
        "         [--max-response-buffer N]  KestrelServerOptions.Limits.MaxResponseBufferSize = N (default 64 KiB)\n" +
        "         [--pooled-bodies]       AsgiOptions.RequestBodyBuffers = Pooled (asgi modes): request body chunks lent from ArrayPool\n" +
        "         [--alloc-types]         sample allocations by type (GCAllocationTick events) into the counters endpoint\n" +
        "       runtime settings are environment variables: DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS, DOTNET_gcServer,\n" +
        "       DOTNET_gcConcurrent, DOTNET_GCgen0size, DOTNET_TieredPGO, DOTNET_TieredCompilation, DOTNET_ReadyToRun,\n" +
        "       DOTNET_ThreadPool_UnfairSemaphoreSpinLimit";

    private static readonly string[] s_modes = ["raw", "raw-complete", "asgi", "asgi-user", "asgi-dict"];

    private static readonly string[] s_runtimeVariables =
    [
        "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT", "DOTNET_gcServer",
        "DOTNET_gcConcurrent", "DOTNET_GCgen0size", "DOTNET_TieredPGO", "DOTNET_TieredCompilation", "DOTNET_ReadyToRun",
        "DOTNET_TC_QuickJitForLoops", "DOTNET_OSR_HitLimit", "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit",
    ];

    /// <summary>raw, raw-complete, asgi, asgi-user or asgi-dict.</summary>
    public string Mode { get; private set; } = "raw";

    /// <summary>The HTTP/1.1 port.</summary>
    public int Http1Port { get; private set; }

    /// <summary>The h2c (HTTP/2 prior knowledge) port.</summary>
    public int H2cPort { get; private set; }

    /// <summary>The counters port, or 0 for none.</summary>
    public int StatsPort { get; private set; }

    /// <summary>Whether <c>UnsafePreferInlineScheduling</c> is set.</summary>
    public bool InlineScheduling { get; private set; }

    /// <summary>The <c>IOQueueCount</c>, or <see langword="null"/> for Kestrel's default.</summary>
    public int? IOQueueCount { get; private set; }

    /// <summary>The <c>WaitForDataBeforeAllocatingBuffer</c>, or <see langword="null"/> for Kestrel's default.</summary>
    public bool? WaitForData { get; private set; }

    /// <summary>
    /// Whether the <c>Microsoft.AspNetCore.Hosting.Diagnostics</c> log category is filtered out. With any logging
    /// enabled, hosting starts an <c>Activity</c> and a log scope for every request (about 900 B); without listeners
    /// for that category (and no ActivityListener or DiagnosticListener) it does neither.
    /// </summary>
    public bool NoHostingDiagnostics { get; private set; }

    /// <summary>The transport block size for <c>AddAsgiTransportBlocks</c>, or 0 for Kestrel's pool.</summary>
    public int PoolBlockSize { get; private set; }

    /// <summary>Kestrel's response buffer limit (bytes a response may have unflushed before a write waits), or null.</summary>
    public long? MaxResponseBufferSize { get; private set; }

    /// <summary>Whether the bridge lends pooled request body buffers (<c>AsgiOptions.RequestBodyBuffers = Pooled</c>).</summary>
    public bool PooledBodies { get; private set; }

    /// <summary>Whether allocations are sampled by type (<see cref="AllocationSampler"/>).</summary>
    public bool AllocationTypes { get; private set; }

    /// <summary>The thread pool's minimum worker and I/O threads, or 0 to leave them.</summary>
    public int MinThreads { get; private set; }

    /// <summary>Parses the command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="settings">The settings.</param>
    /// <param name="error">What is wrong, when parsing fails.</param>
    /// <returns>Whether the command line is valid.</returns>
    public static bool TryParse(string[] args, out ServerSettings settings, out string error)
    {
        settings = new ServerSettings();
        error = string.Empty;
        if (args.Length < 3 || !s_modes.Contains(args[0]) || !TryPort(args[1], out var http1) || !TryPort(args[2], out var h2c))
        {
            error = "expected <mode> <http1-port> <h2c-port>";
            return false;
        }

        settings.Mode = args[0];
        settings.Http1Port = http1;
        settings.H2cPort = h2c;
        for (var i = 3; i < args.Length; i++)
        {
            var name = args[i];
            string? Next() => i + 1 < args.Length ? args[++i] : null;
            switch (name)
            {
                case "--stats-port" when TryPort(Next(), out var stats):
                    settings.StatsPort = stats;
                    break;
                case "--no-hosting-diagnostics":
                    settings.NoHostingDiagnostics = true;
                    break;
                case "--pool-block" when TryInt(Next(), out var block) && block >= 4096:
                    settings.PoolBlockSize = block;
                    break;
                case "--max-response-buffer" when TryInt(Next(), out var buffer) && buffer >= 0:
                    settings.MaxResponseBufferSize = buffer;
                    break;
                case "--pooled-bodies":
                    settings.PooledBodies = true;
                    break;
                case "--alloc-types":
                    settings.AllocationTypes = true;
                    break;
                case "--inline-scheduling":
                    settings.InlineScheduling = true;
                    break;
                case "--ioqueues" when TryInt(Next(), out var queues) && queues >= 0:
                    settings.IOQueueCount = queues;
                    break;
                case "--wait-for-data" when bool.TryParse(Next(), out var wait):
                    settings.WaitForData = wait;
                    break;
                case "--min-threads" when TryInt(Next(), out var threads) && threads > 0:
                    settings.MinThreads = threads;
                    break;
                default:
                    error = $"bad or incomplete switch '{name}'";
                    return false;
            }
        }

        return true;
    }

    /// <summary>The runtime environment variables that are set, as NAME=value pairs.</summary>
    /// <returns>A space-separated list.</returns>
    public static string RuntimeEnvironment() => string.Join(' ', s_runtimeVariables
        .Select(name => (name, value: Environment.GetEnvironmentVariable(name)))
        .Where(pair => pair.value is not null)
        .Select(pair => $"{pair.name}={pair.value}"));

    private static bool TryPort(string? text, out int port) => TryInt(text, out port) && port is > 0 and < 65536;

    private static bool TryInt(string? text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
