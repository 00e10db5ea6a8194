using AsgiBridge.Seeds.Tests.Harness;
using AsgiBridge.Seeds.Tests.Ports;

namespace AsgiBridge.Seeds.Tests.Seeds;

/// <summary>Seed 004 "Introduction to ASGI": the class and function apps and the middleware.</summary>
public sealed class Seed004Tests
{
    [Theory]
    [InlineData("app")]
    [InlineData("function_app")]
    public async Task Class_and_function_apps_answer_as_on_uvicorn_with_no_headers(string python)
    {
        await using var servers = await SideBySide.StartAsync($"seed004_intro:{python}", python == "app" ? Seed004Intro.App : Seed004Intro.FunctionApp);

        var response = await servers.AssertSameGetAsync("/");

        Assert.Equal("hello world", response.Text);
        Assert.Empty(response.Headers);
    }

    [Fact]
    public async Task The_articles_middleware_around_the_class_fails_alike_and_around_an_app_passes_its_copied_scope()
    {
        // ASGIMiddleware(ASGIApp) calls the class with three arguments: a TypeError before responding, 500 on both.
        static Task Fails(AsgiScope scope, AsgiReceive receive, AsgiSend send) => throw new InvalidOperationException("TypeError: ASGIApp() takes no arguments");
        await using (var broken = await SideBySide.StartAsync("seed004_intro:middleware_app", Fails))
        {
            await broken.AssertSameErrorAsync(client => client.GetAsync(new Uri("/", UriKind.Relative)));
        }

        await using var servers = await SideBySide.StartAsync("seed004_intro:fixed_middleware_app", Seed004Intro.FixedMiddlewareApp);
        Assert.Equal("True", (await servers.AssertSameGetAsync("/")).Text);
    }
}
