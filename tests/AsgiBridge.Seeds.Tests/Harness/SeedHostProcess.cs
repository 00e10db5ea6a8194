using System.Reflection;

namespace AsgiBridge.Seeds.Tests.Harness;

/// <summary>Runs SeedHost, the C# ports' own program, as a real process on 127.0.0.1 and an ephemeral port.</summary>
internal static class SeedHostProcess
{
    /// <summary>Starts <c>dotnet SeedHost.dll <paramref name="which"/></c>.</summary>
    /// <param name="which">The port to serve (see SeedHost/Program.cs).</param>
    /// <returns>The process.</returns>
    public static ServerProcess Start(string which)
    {
        var assembly = typeof(SeedHostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SeedHostAssembly").Value!;
        Assert.True(File.Exists(assembly), $"The SeedHost build output is missing: {assembly}");
        return ServerProcess.Start("dotnet", [assembly, which, "--urls", "http://127.0.0.1:0"], AppContext.BaseDirectory);
    }
}
