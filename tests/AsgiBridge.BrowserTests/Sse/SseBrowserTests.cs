using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace AsgiBridge.BrowserTests.Sse;

/// <summary>
/// Opens the SseDemo page in Debian's chromium (never a downloaded browser) through Playwright and checks that the
/// page's EventSource receives and shows live server-sent events.
/// </summary>
public sealed partial class SseBrowserTests
{
    private const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] s_chromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    [Fact]
    public async Task Page_shows_live_events_from_the_stream()
    {
        // Fails loudly instead of skipping: CI (.ci/run) installs chromium before running the tests.
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install it with 'apt-get update && apt-get install -y chromium'.");

        await using var server = await SseDemoServer.StartAsync(tickMilliseconds: 200);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = s_chromiumArgs,
            Timeout = 60_000,
        });
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(15_000);

        await page.GotoAsync(server.Url.ToString());

        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("open", new() { Timeout = 15_000 });
        var events = page.Locator("#events li");
        await Assertions.Expect(events.Nth(1)).ToBeAttachedAsync(new() { Timeout = 15_000 });
        var ids = await events.EvaluateAllAsync<string[]>("items => items.map(item => item.dataset.id)");
        Assert.True(ids.Distinct().Count() >= 2, $"expected two distinct events, got [{string.Join(", ", ids)}]");
        Assert.All(ids, id => Assert.Matches(DigitsPattern(), id));
        await Assertions.Expect(page.Locator("#latest")).ToHaveTextAsync(TickPattern(), new() { Timeout = 15_000 });
    }

    [GeneratedRegex("^[0-9]+$")]
    private static partial Regex DigitsPattern();

    [GeneratedRegex(@"^tick [0-9]+ at [0-9:.]+ UTC$")]
    private static partial Regex TickPattern();
}
