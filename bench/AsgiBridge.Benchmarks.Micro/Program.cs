using AsgiBridge.Benchmarks;
using AsgiBridge.Benchmarks.Harness;
using BenchmarkDotNet.Running;

// BenchmarkDotNet entry point, e.g.:
//   dotnet run -c Release --project bench/AsgiBridge.Benchmarks.Micro -- --filter '*' --job short
// 'alloc' skips BenchmarkDotNet and prints bytes allocated per request in a few seconds:
//   dotnet run -c Release --project bench/AsgiBridge.Benchmarks.Micro -- alloc
if (args is ["alloc"])
{
    QuickAllocationCheck.Run(Console.Out);
    return 0;
}

// 'spin <asgi|asgi-pooled|raw>[-headers|-echo] [seconds]' loops one case for a profiler (perf record, DOTNET_PerfMapEnabled=1):
if (args is ["spin", var which, ..])
{
    ProfileLoop.Run(which, args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10, Console.Out);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(GetBenchmarks).Assembly).Run(args);
return 0;
