using AsgiBridge.BrowserTests.Layout;
using AsgiBridge.BrowserTests.Sse;
using Microsoft.Playwright;

namespace AsgiBridge.BrowserTests;

/// <summary>The SSE demo page at desktop and phone width, light and dark.</summary>
public sealed class SseLayoutTests
{
    [Theory]
    [InlineData(1280, 800, "light")]
    [InlineData(390, 844, "light")]
    [InlineData(390, 844, "dark")]
    public async Task Sse_page_fits_the_viewport_in_both_schemes(int width, int height, string scheme)
    {
        await using var server = await SseDemoServer.StartAsync(tickMilliseconds: 100);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageCheck.LaunchAsync(playwright);
        var page = await PageCheck.NewPageAsync(browser, width, height, scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light);

        await page.GotoAsync(server.Url.ToString());
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("open");
        await Assertions.Expect(page.Locator("#events li").Nth(4)).ToBeAttachedAsync(new() { Timeout = 15_000 });

        await PageCheck.AssertFitsAsync(page, "#latest", "#status", "#events");
        var lightness = await PageCheck.BackgroundLightnessAsync(page);
        Assert.True(scheme == "dark" ? lightness < 60 : lightness > 200, $"{scheme} mode background lightness {lightness}");
        await PageCheck.ScreenshotAsync(page, $"sse-{width}x{height}-{scheme}");
    }
}
