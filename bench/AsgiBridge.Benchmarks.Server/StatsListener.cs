using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AsgiBridge.Benchmarks;

/// <summary>
/// A plain TCP endpoint, separate from Kestrel so it costs the measured requests nothing: every connection gets one
/// line of process-wide counters and is closed. bench/profile.sh reads it before and after a load run and divides the
/// differences by the requests the load generator counted (allocated bytes, GCs, thread-pool work items per request).
/// <c>exec 3&lt;&gt;/dev/tcp/127.0.0.1/PORT; cat &lt;&amp;3</c> or <c>curl -s telnet://127.0.0.1:PORT</c> reads it.
/// </summary>
public sealed class StatsListener : IDisposable
{
    private readonly TcpListener _listener;
    private readonly Thread _thread;

    private StatsListener(int port)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        _thread = new Thread(Serve) { IsBackground = true, Name = "bench-stats" };
        _thread.Start();
    }

    /// <summary>Starts listening on 127.0.0.1.</summary>
    /// <param name="port">The port.</param>
    /// <returns>The listener.</returns>
    public static StatsListener Start(int port) => new(port);

    /// <summary>The counters, one line of key=value pairs.</summary>
    /// <returns>The line.</returns>
    public static string Snapshot()
    {
        using var process = Process.GetCurrentProcess();
        return string.Create(CultureInfo.InvariantCulture,
            $"alloc_bytes={GC.GetTotalAllocatedBytes(precise: false)} gc0={GC.CollectionCount(0)} gc1={GC.CollectionCount(1)} " +
            $"gc2={GC.CollectionCount(2)} gc_pause_ms={GC.GetTotalPauseDuration().TotalMilliseconds:F1} " +
            $"cpu_user_ms={process.UserProcessorTime.TotalMilliseconds:F0} cpu_sys_ms={process.PrivilegedProcessorTime.TotalMilliseconds:F0} " +
            $"tp_work_items={ThreadPool.CompletedWorkItemCount} tp_threads={ThreadPool.ThreadCount} " +
            $"lock_contentions={Monitor.LockContentionCount} os_threads={process.Threads.Count} " +
            $"heap_bytes={GC.GetTotalMemory(forceFullCollection: false)} working_set={process.WorkingSet64}\n");
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Stop();

    private void Serve()
    {
        while (true)
        {
            try
            {
                using var client = _listener.AcceptTcpClient();
                client.GetStream().Write(Encoding.ASCII.GetBytes(Snapshot() + AllocationSampler.Current?.Report()));
            }
            catch (SocketException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
    }
}
