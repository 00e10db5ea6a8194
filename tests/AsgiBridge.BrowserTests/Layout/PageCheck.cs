using Microsoft.Playwright;

namespace AsgiBridge.BrowserTests.Layout;

/// <summary>
/// Layout checks a person would make by looking: the page does not scroll sideways, the controls are wholly inside the
/// viewport, dark mode is dark; and a screenshot of each state under the test output's TestResults/screenshots/.
/// </summary>
internal static class PageCheck
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] s_chromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    public static string ScreenshotDirectory { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots")).FullName;

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        // Fails loudly instead of skipping: CI (.ci/run) installs chromium before running the tests.
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install it with 'apt-get update && apt-get install -y chromium'.");
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = s_chromiumArgs,
            Timeout = 60_000,
        });
    }

    public static async Task<IPage> NewPageAsync(IBrowser browser, int width, int height, ColorScheme scheme)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = scheme,
            DeviceScaleFactor = 1,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        return page;
    }

    public static async Task AssertFitsAsync(IPage page, params string[] selectors)
    {
        var width = page.ViewportSize!.Width;
        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= width, $"The page scrolls sideways at {width} px: scrollWidth {scrollWidth}.");
        Assert.Equal(1, await page.Locator("meta[name=viewport]").CountAsync());
        foreach (var selector in selectors)
        {
            var box = await page.Locator(selector).BoundingBoxAsync();
            Assert.True(box is not null, $"{selector} is not displayed.");
            Assert.True(box.X >= 0 && box.X + box.Width <= width + 0.5 && box.Y >= 0,
                $"{selector} is not wholly inside the {width} px viewport: x={box.X}, width={box.Width}, y={box.Y}.");
        }
    }

    /// <summary>The perceived lightness (0–255) of the body's computed background.</summary>
    public static async Task<double> BackgroundLightnessAsync(IPage page)
    {
        var rgb = await page.EvaluateAsync<double[]>(
            "() => getComputedStyle(document.documentElement).backgroundColor.match(/[0-9.]+/g).slice(0, 3).map(Number)");
        return (0.299 * rgb[0]) + (0.587 * rgb[1]) + (0.114 * rgb[2]);
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });
}
