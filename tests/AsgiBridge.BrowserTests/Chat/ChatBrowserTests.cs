using Microsoft.Playwright;

namespace AsgiBridge.BrowserTests;

/// <summary>
/// Drives Debian's chromium (never a downloaded browser) through Playwright against the chat demo running as its own
/// process: two pages join the same room, one types, the other sees the typing notice and then the message.
/// </summary>
public sealed class ChatBrowserTests
{
    private const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] s_chromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    [Fact]
    public async Task Message_typed_in_one_page_appears_in_the_other()
    {
        // Fails loudly instead of skipping: CI (.ci/run) installs chromium before running the tests.
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install it with 'apt-get update && apt-get install -y chromium'.");

        await using var server = await ChatServerProcess.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = s_chromiumArgs,
            Timeout = 60_000,
        });

        var room = "browser-" + Guid.NewGuid().ToString("N")[..6];
        var alice = await JoinAsync(browser, server.Url, "alice", room);
        var bob = await JoinAsync(browser, server.Url, "bob", room);
        await Assertions.Expect(alice.Locator("#messages")).ToContainTextAsync("2 online");

        await alice.Locator("#message").PressSequentiallyAsync("hello from alice");
        await Assertions.Expect(bob.Locator("#typing")).ToHaveTextAsync("alice is typing…");
        await Assertions.Expect(alice.Locator("#typing")).ToHaveTextAsync(string.Empty);

        await alice.Locator("#message").PressAsync("Enter");
        await Assertions.Expect(bob.Locator("#messages li.chat")).ToContainTextAsync("alice:hello from alice");
        await Assertions.Expect(alice.Locator("#messages li.chat")).ToContainTextAsync("hello from alice");

        await bob.Locator("#message").FillAsync("hi alice");
        await bob.Locator("#send").ClickAsync();
        await Assertions.Expect(alice.Locator("#messages li.chat").Last).ToContainTextAsync("bob:hi alice");
    }

    private static async Task<IPage> JoinAsync(IBrowser browser, Uri url, string name, string room)
    {
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        await page.GotoAsync(url.ToString());
        await page.Locator("#name").FillAsync(name);
        await page.Locator("#room").FillAsync(room);
        await page.Locator("#join").ClickAsync();
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync($"Connected to room \"{room}\"");
        return page;
    }
}
