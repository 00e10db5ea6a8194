using System.Globalization;
using AsgiBridge.Channels;
using AsgiBridge.Channels.Broker;
using AsgiBridge.Channels.Nats;
using AsgiBridge.Channels.Redis;
using ChannelsBench;
using Microsoft.Extensions.Options;

// dotnet run -c Release --project bench/channels -- [--members 1000] [--burst 200] [--paced 300] [--rate 100] [--backends in-memory,redis,nats]
var settings = Settings.Parse(args);
Console.WriteLine($"group of {settings.Members} members; burst {settings.Burst} group sends; paced {settings.Paced} group sends at {settings.Rate}/s; {Environment.ProcessorCount} cores");
Console.WriteLine();
Console.WriteLine("| backend | instances | deliveries/s (burst) | dropped | p50 latency (ms) | p99 latency (ms) | samples |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");

foreach (var backend in settings.Backends)
{
    await using var broker = backend switch
    {
        "redis" => await BrokerProcess.RedisAsync(),
        "nats" => await BrokerProcess.NatsAsync(),
        _ => null,
    };

    // The in-memory layer is one process: its "instances" are one layer. Broker backends get two instances.
    var layers = new List<AsgiChannelLayer>();
    var instanceCount = broker is null ? 1 : 2;
    for (var i = 0; i < instanceCount; i++)
    {
        IChannelLayerBroker? link = backend switch
        {
            "redis" => new RedisChannelBroker(Options.Create(new RedisChannelBrokerOptions { ConnectionString = $"127.0.0.1:{broker!.Port}" })),
            "nats" => new NatsChannelBroker(Options.Create(new NatsChannelBrokerOptions { Url = $"nats://127.0.0.1:{broker!.Port}" })),
            _ => null,
        };

        // Capacity above the burst: the burst measures delivery, not the overflow policy.
        var layer = new AsgiChannelLayer(Options.Create(new ChannelLayerOptions { Capacity = Math.Max(settings.Burst, settings.Paced) + 10 }), link);
        await layer.StartAsync();
        layers.Add(layer);
    }

    var benchmark = new GroupBenchmark(layers, settings.Members);
    await benchmark.ThroughputAsync(Math.Max(10, settings.Burst / 10));   // warm-up (JIT, buffers)
    var (rate, dropped) = await benchmark.ThroughputAsync(settings.Burst);
    var (p50, p99, samples) = await benchmark.LatencyAsync(settings.Paced, settings.Rate);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {backend} | {instanceCount} | {rate:N0} | {dropped} | {p50:0.00} | {p99:0.00} | {samples} |"));

    foreach (var layer in layers)
    {
        await layer.DisposeAsync();
    }
}

internal sealed record Settings(int Members, int Burst, int Paced, int Rate, string[] Backends)
{
    public static Settings Parse(string[] args)
    {
        var settings = new Settings(1000, 200, 300, 100, ["in-memory", "redis", "nats"]);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            settings = args[i] switch
            {
                "--members" => settings with { Members = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--burst" => settings with { Burst = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--paced" => settings with { Paced = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--rate" => settings with { Rate = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--backends" => settings with { Backends = args[i + 1].Split(',') },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }

        return settings;
    }
}
