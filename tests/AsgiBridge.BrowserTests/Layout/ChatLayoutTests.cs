using AsgiBridge.BrowserTests.Layout;
using Microsoft.Playwright;

namespace AsgiBridge.BrowserTests;

/// <summary>The chat page at desktop and phone width, light and dark: it fits, tells own messages apart, names joins.</summary>
public sealed class ChatLayoutTests
{
    [Theory]
    [InlineData(1280, 800, "light")]
    [InlineData(390, 844, "light")]
    [InlineData(390, 844, "dark")]
    public async Task Chat_fits_the_viewport_and_tells_own_messages_apart(int width, int height, string scheme)
    {
        await using var server = await ChatServerProcess.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageCheck.LaunchAsync(playwright);
        var colorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light;
        var room = "layout-" + Guid.NewGuid().ToString("N")[..6];

        var alice = await PageCheck.NewPageAsync(browser, width, height, colorScheme);
        await alice.GotoAsync(server.Url.ToString());
        await PageCheck.AssertFitsAsync(alice, "#name", "#room", "#join", "#message", "#send");
        await JoinAsync(alice, "alice", room);
        await Assertions.Expect(alice.Locator("#messages li.notice").First).ToHaveTextAsync("You joined as alice — 1 online");

        var bob = await PageCheck.NewPageAsync(browser, width, height, colorScheme);
        await bob.GotoAsync(server.Url.ToString());
        await JoinAsync(bob, "bob", room);
        await Assertions.Expect(alice.Locator("#messages")).ToContainTextAsync("joined — 2 online");

        await alice.Locator("#message").FillAsync("Hello Bob, this line is long enough to wrap on a phone screen.");
        await alice.Locator("#send").ClickAsync();
        await bob.Locator("#message").FillAsync("Hi Alice!");
        await bob.Locator("#message").PressAsync("Enter");
        await Assertions.Expect(alice.Locator("#messages li.chat")).ToHaveCountAsync(2);

        var mine = alice.Locator("#messages li.chat.mine");
        var theirs = alice.Locator("#messages li.chat:not(.mine)");
        await Assertions.Expect(mine).ToContainTextAsync("Hello Bob");
        await Assertions.Expect(theirs).ToContainTextAsync("bob:Hi Alice!");
        var mineBox = (await mine.BoundingBoxAsync())!;
        var theirsBox = (await theirs.BoundingBoxAsync())!;
        Assert.True(mineBox.X + mineBox.Width > theirsBox.X + theirsBox.Width, "Own messages sit on the right.");
        Assert.True(theirsBox.X < mineBox.X, "Others' messages sit on the left.");
        Assert.NotEqual(
            await mine.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"),
            await theirs.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));

        await PageCheck.AssertFitsAsync(alice, "#join", "#send", "#message", "#messages");
        var lightness = await PageCheck.BackgroundLightnessAsync(alice);
        Assert.True(scheme == "dark" ? lightness < 60 : lightness > 200, $"{scheme} mode background lightness {lightness}");
        await PageCheck.ScreenshotAsync(alice, $"chat-{width}x{height}-{scheme}");

        await bob.Context.CloseAsync();
        await Assertions.Expect(alice.Locator("#messages li.notice").Last).ToContainTextAsync("left — 1 online");
    }

    private static async Task JoinAsync(IPage page, string name, string room)
    {
        await page.Locator("#name").FillAsync(name);
        await page.Locator("#room").FillAsync(room);
        await page.Locator("#join").ClickAsync();
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync($"Connected to room \"{room}\" as {name}");
    }
}
