extern alias LifespanDemo;

using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using DemoNotesApp = LifespanDemo::NotesApp;
using DemoProgram = LifespanDemo::Program;

namespace AsgiBridge.Examples.Tests;

[Collection(nameof(WebApplicationFactoryGroup))]
public sealed class LifespanDemoTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("asgi-lifespan-demo-test-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Startup_opens_the_store_requests_use_it_through_state_and_shutdown_closes_it()
    {
        var log = Path.Combine(_directory, "notes.log");
        using (var factory = new WebApplicationFactory<DemoProgram>().WithWebHostBuilder(web => web.UseSetting("Notes:Directory", _directory)))
        {
            using var client = factory.CreateClient();
            Assert.Equal(["opened"], ReadLog(log));

            using var saved = await client.PostAsync(new Uri("/notes", UriKind.Relative), new StringContent("buy milk"));
            Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
            Assert.Equal("buy milk\n", await client.GetStringAsync(new Uri("/notes", UriKind.Relative)));
            Assert.Equal(["opened", "note buy milk"], ReadLog(log));
        }

        Assert.Equal(["opened", "note buy milk", "closed"], ReadLog(log));
    }

    [Fact]
    public async Task Fail_startup_switch_makes_the_real_process_exit_non_zero_with_the_apps_message()
    {
        var assembly = typeof(LifespanDemoTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "LifespanDemoAssembly").Value!;
        Assert.True(File.Exists(assembly), $"The LifespanDemo build output is missing: {assembly}");

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { assembly, "--fail-startup", "--urls", "http://127.0.0.1:0", $"--Notes:Directory={_directory}" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        output.Append(await stdout).Append(await stderr);
        // A plain app.Run(): uvicorn's exit code 3 and the application's message, never the runtime's abort (134).
        Assert.Equal(3, process.ExitCode);
        Assert.DoesNotContain("Unhandled exception", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("FTL] AsgiBridge.Lifespan: ", output.ToString(), StringComparison.Ordinal);
        Assert.Contains(DemoNotesApp.FailureMessage, output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening on", output.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "notes.log")), "The store must not be opened when startup fails.");
    }

    private static string[] ReadLog(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.StartsWith("opened", StringComparison.Ordinal) ? "opened" : line).ToArray();
    }
}
