using System.Globalization;
using System.Net;
using System.Runtime;
using AsgiBridge.Benchmarks;
using AsgiBridge.Benchmarks.Apps;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

// The server of bench/run.sh and bench/profile.sh.
//   AsgiBridge.Benchmarks.Server <raw|raw-complete|asgi|asgi-user|asgi-dict> <http1-port> <h2c-port> [switches]
// 'raw' answers with app.Run ('raw-complete' also calls Response.CompleteAsync() after the body, as the bridge does); 'asgi' with the same behaviour through app.UseAsgi, written as a tuned ASGI app;
// 'asgi-user' as applications are usually written (messages per request, headers read from the scope); 'asgi-dict'
// in the dictionary form. All listen on 127.0.0.1: HTTP/1.1 on the first port, HTTP/2 with prior knowledge (h2c) on
// the second. The switches (hosting recipe, see bench/README.md) are parsed by ServerSettings.
if (!ServerSettings.TryParse(args, out var settings, out var error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(ServerSettings.Usage);
    return 2;
}

if (settings.AllocationTypes)
{
    AllocationSampler.Start();
}

if (settings.MinThreads > 0)
{
    ThreadPool.GetMinThreads(out _, out var io);
    ThreadPool.SetMinThreads(settings.MinThreads, Math.Max(io, settings.MinThreads));
}

// Content root in the build output and no configuration reload: otherwise the host watches the working directory
// (the repository) with inotify, and every file the benchmark scripts write there wakes the server up.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    EnvironmentName = Environments.Production,
    ContentRootPath = AppContext.BaseDirectory,
    Args = ["--hostBuilder:reloadConfigOnChange=false"],
});
builder.Logging.SetMinimumLevel(LogLevel.Warning);
if (settings.NoHostingDiagnostics)
{
    builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
}

builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = true;
    if (settings.MaxResponseBufferSize is { } responseBuffer)
    {
        kestrel.Limits.MaxResponseBufferSize = responseBuffer;
    }

    kestrel.Listen(IPAddress.Loopback, settings.Http1Port, listen => listen.Protocols = HttpProtocols.Http1);
    kestrel.Listen(IPAddress.Loopback, settings.H2cPort, listen => listen.Protocols = HttpProtocols.Http2);
});
builder.WebHost.UseSockets(sockets =>
{
    if (settings.InlineScheduling)
    {
        sockets.UnsafePreferInlineScheduling = true;
    }

    if (settings.IOQueueCount is { } queues)
    {
        sockets.IOQueueCount = queues;
    }

    if (settings.WaitForData is { } wait)
    {
        sockets.WaitForDataBeforeAllocatingBuffer = wait;
    }
});

if (settings.PoolBlockSize > 0)
{
    // The library's opt-in (for raw Kestrel too: it only replaces Kestrel's memory pool factory).
    builder.Services.AddAsgiTransportBlocks(options => options.BlockSize = settings.PoolBlockSize);
}

if (settings.Mode.StartsWith("asgi", StringComparison.Ordinal))
{
    builder.Services.AddAsgi(options =>
    {
        if (settings.PooledBodies)
        {
            options.RequestBodyBuffers = AsgiBridge.Hosting.AsgiRequestBodyBuffers.Pooled;
        }
    });
}

var app = builder.Build();
switch (settings.Mode)
{
    case "raw":
        app.Run(RawBenchApp.HandleAsync);
        break;
    case "raw-complete":
        app.Run(RawBenchApp.HandleAndCompleteAsync);
        break;
    case "asgi":
        app.UseAsgi(AsgiBenchApp.Run);
        break;
    case "asgi-user":
        app.UseAsgi(AsgiUserApp.Run);
        break;
    case "asgi-dict":
        app.UseAsgi(AsgiDictApp.App);
        break;
}

await app.StartAsync();
using var stats = settings.StatsPort > 0 ? StatsListener.Start(settings.StatsPort) : null;

var socketOptions = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SocketTransportOptions>>().Value;
ThreadPool.GetMinThreads(out var minWorkers, out _);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"ready mode={settings.Mode} http1={settings.Http1Port} h2c={settings.H2cPort} stats={settings.StatsPort} " +
    $"cpus={Environment.ProcessorCount} serverGC={GCSettings.IsServerGC} gcLatency={GCSettings.LatencyMode} " +
    $"runtime={Environment.Version} inlineScheduling={socketOptions.UnsafePreferInlineScheduling} " +
    $"ioQueues={socketOptions.IOQueueCount} waitForData={socketOptions.WaitForDataBeforeAllocatingBuffer} " +
    $"minThreads={minWorkers} hostingDiagnostics={!settings.NoHostingDiagnostics} poolBlock={settings.PoolBlockSize} maxResponseBuffer={settings.MaxResponseBufferSize?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default"} pooledBodies={settings.PooledBodies} env=[{ServerSettings.RuntimeEnvironment()}]"));
await app.WaitForShutdownAsync();
return 0;
