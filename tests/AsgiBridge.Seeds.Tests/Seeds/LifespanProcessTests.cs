using AsgiBridge.Seeds.Tests.Harness;

namespace AsgiBridge.Seeds.Tests.Seeds;

/// <summary>
/// Lifespan as a user's process sees it (issue 11.7): the original under <c>python3 -m uvicorn</c> and the port under a
/// plain <c>app.Run()</c>, each a real process stopped with SIGTERM.
/// </summary>
public sealed class LifespanProcessTests
{
    [Fact]
    public async Task Seed_lifespan_app_prints_at_startup_serves_and_prints_at_shutdown_then_exits_0_like_uvicorn()
    {
        await using var uvicorn = await UvicornServer.LaunchAsync("seed001_lifespan:app", "on");
        await using var port = SeedHostProcess.Start("lifespan");

        foreach (var process in new[] { uvicorn, port })
        {
            var address = await process.WaitForAddressAsync();
            await process.WaitForTextAsync("Do something at startup");
            using var client = new HttpClient { BaseAddress = address };
            Assert.Equal("Hello, world!", await client.GetStringAsync(new Uri("/", UriKind.Relative)));
            Assert.DoesNotContain("Do something at shutdown", process.Lines);

            Assert.Equal(0, await process.StopAsync());
            Assert.Contains("Do something at shutdown", process.Lines);
        }
    }

    [Fact]
    public async Task Failed_startup_exits_with_code_3_and_the_apps_message_not_a_runtime_crash_like_uvicorn()
    {
        await using var uvicorn = await UvicornServer.LaunchAsync("contract:lifespan_fails", "auto");
        await using var port = SeedHostProcess.Start("fails");

        Assert.Equal(3, await uvicorn.WaitForExitAsync());
        Assert.Equal(3, await port.WaitForExitAsync());

        Assert.Contains(uvicorn.Lines, l => l.Contains("the database is unreachable", StringComparison.Ordinal));
        Assert.Contains(port.Lines, l => l.Contains("the database is unreachable", StringComparison.Ordinal));
        Assert.Contains("ASGI lifespan startup failed: ", port.Output, StringComparison.Ordinal);
        // Neither server started listening, and the port ended as uvicorn does, not with the runtime's crash dump (exit 134).
        // The generic host still logs its own "Hosting failed to start" with the exception (docs/porting-contract.md).
        Assert.DoesNotContain("Uvicorn running on", uvicorn.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening on", port.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", port.Output, StringComparison.Ordinal);
    }
}
