using System.Net;
using System.Runtime;
using AsgiBridge.Benchmarks.Apps;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// The server of bench/run.sh. Usage: AsgiBridge.Benchmarks.Server <raw|asgi> <http1-port> <h2c-port>
// 'raw' answers with app.Run, 'asgi' with the same behaviour through app.UseAsgi. Both listen on 127.0.0.1:
// HTTP/1.1 on the first port and HTTP/2 with prior knowledge (h2c) on the second.
if (args.Length != 3 || (args[0] != "raw" && args[0] != "asgi")
    || !int.TryParse(args[1], out var http1Port) || !int.TryParse(args[2], out var h2cPort))
{
    Console.Error.WriteLine("usage: AsgiBridge.Benchmarks.Server <raw|asgi> <http1-port> <h2c-port>");
    return 2;
}

var mode = args[0];
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = true;
    kestrel.Listen(IPAddress.Loopback, http1Port, listen => listen.Protocols = HttpProtocols.Http1);
    kestrel.Listen(IPAddress.Loopback, h2cPort, listen => listen.Protocols = HttpProtocols.Http2);
});

if (mode == "asgi")
{
    builder.Services.AddAsgi();
}

var app = builder.Build();
if (mode == "asgi")
{
    app.UseAsgi(AsgiBenchApp.Run);
}
else
{
    app.Run(RawBenchApp.HandleAsync);
}

await app.StartAsync();
Console.WriteLine($"ready mode={mode} http1={http1Port} h2c={h2cPort} cpus={Environment.ProcessorCount} " +
    $"serverGC={GCSettings.IsServerGC} runtime={Environment.Version}");
await app.WaitForShutdownAsync();
return 0;
