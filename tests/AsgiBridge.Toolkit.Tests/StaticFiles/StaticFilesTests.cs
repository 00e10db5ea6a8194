using AsgiBridge.Testing;
using AsgiBridge.Toolkit;

namespace AsgiBridge.Toolkit.Tests.StaticFiles;

/// <summary>Issue 10.2 (a): starlette-style static files, contained in their directory whatever the path or links say.</summary>
public sealed class StaticFilesTests : IDisposable
{
    private readonly string _top = Directory.CreateTempSubdirectory("asgi-static-").FullName;
    private readonly string _root;

    public StaticFilesTests()
    {
        _root = Directory.CreateDirectory(Path.Combine(_top, "www")).FullName;
        Directory.CreateDirectory(Path.Combine(_root, "css"));
        Directory.CreateDirectory(Path.Combine(_root, "docs"));
        File.WriteAllText(Path.Combine(_root, "css", "site.css"), "body{}");
        File.WriteAllText(Path.Combine(_root, "docs", "index.html"), "<h1>docs</h1>");
        File.WriteAllText(Path.Combine(_root, "404.html"), "<h1>custom 404</h1>");
        File.WriteAllText(Path.Combine(_root, "hello.txt"), "hello world");
        File.WriteAllText(Path.Combine(_top, "secret.txt"), "SECRET");
        Directory.CreateDirectory(Path.Combine(_top, "outside"));
        File.WriteAllText(Path.Combine(_top, "outside", "x.txt"), "SECRET-DIR");
        File.CreateSymbolicLink(Path.Combine(_root, "escape.txt"), Path.Combine(_top, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "escape-dir"), Path.Combine(_top, "outside"));
        File.CreateSymbolicLink(Path.Combine(_root, "inside.txt"), Path.Combine(_root, "hello.txt"));
    }

    public void Dispose() => Directory.Delete(_top, recursive: true);

    private Task<AsgiTestClient> StartAsync(StaticFilesOptions? options = null) =>
        AsgiTestClient.StartAsync(new AsgiRouter().Mount("/static", new AsgiBridge.Toolkit.StaticFiles(_root, options)));

    [Fact]
    public async Task Files_are_served_with_their_type_validators_and_ranges()
    {
        await using var client = await StartAsync();

        var css = await client.GetAsync("/static/css/site.css");
        Assert.Equal(200, css.Status);
        Assert.Equal("body{}", css.Text);
        Assert.StartsWith("text/css", css.GetHeader("content-type"), StringComparison.Ordinal);
        var etag = css.GetHeader("etag")!;
        Assert.NotNull(css.GetHeader("last-modified"));

        Assert.Equal(304, (await client.GetAsync("/static/css/site.css", new() { Headers = { ("if-none-match", etag) } })).Status);
        var range = await client.GetAsync("/static/hello.txt", new() { Headers = { ("range", "bytes=6-") } });
        Assert.Equal(206, range.Status);
        Assert.Equal("world", range.Text);
        var head = await client.HeadAsync("/static/hello.txt");
        Assert.Equal(200, head.Status);
        Assert.Empty(head.Body);
        Assert.Equal("11", head.GetHeader("content-length"));
        Assert.Equal("hello world", (await client.GetAsync("/static/inside.txt")).Text);   // a link that stays inside is fine
    }

    [Theory]
    [InlineData("/static/../secret.txt")]
    [InlineData("/static/..%2Fsecret.txt")]
    [InlineData("/static/%2e%2e/secret.txt")]
    [InlineData("/static/css/..%2F..%2Fsecret.txt")]
    [InlineData("/static/..%5Csecret.txt")]
    [InlineData("/static/escape.txt")]
    [InlineData("/static/escape-dir/x.txt")]
    [InlineData("/static/nothing-here.txt")]
    [InlineData("/static/css")]
    [InlineData("/static/css/")]
    [InlineData("/static/")]
    public async Task Escapes_missing_files_and_directories_get_404_and_nothing_outside_is_read(string path)
    {
        await using var client = await StartAsync();

        var response = await client.GetAsync(path);

        Assert.Equal(404, response.Status);
        Assert.DoesNotContain("SECRET", response.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("site.css", response.Text, StringComparison.Ordinal);   // never a listing
    }

    [Fact]
    public async Task Links_may_leave_the_directory_only_when_told_so()
    {
        await using var client = await StartAsync(new StaticFilesOptions { FollowSymlinks = true });

        Assert.Equal("SECRET", (await client.GetAsync("/static/escape.txt")).Text);
        Assert.Equal(404, (await client.GetAsync("/static/..%2Fsecret.txt")).Status);
    }

    [Fact]
    public async Task Html_mode_serves_index_redirects_to_the_slash_and_uses_the_custom_404()
    {
        await using var client = await StartAsync(new StaticFilesOptions { Html = true });

        var redirect = await client.GetAsync("/static/docs?x=1");
        Assert.Equal(307, redirect.Status);
        Assert.Equal("/static/docs/?x=1", redirect.GetHeader("location"));
        Assert.Equal("<h1>docs</h1>", (await client.GetAsync("/static/docs/")).Text);
        var missing = await client.GetAsync("/static/missing");
        Assert.Equal(404, missing.Status);
        Assert.Equal("<h1>custom 404</h1>", missing.Text);
        Assert.Equal(404, (await client.GetAsync("/static/css/")).Status);   // no index.html: never a listing
    }

    [Fact]
    public async Task Only_GET_and_HEAD_are_served_and_WebSockets_are_refused()
    {
        await using var client = await StartAsync();

        var post = await client.PostAsync("/static/hello.txt");
        Assert.Equal(405, post.Status);
        Assert.Equal("GET, HEAD", post.GetHeader("allow"));
        await Assert.ThrowsAsync<AsgiWebSocketDeniedException>(() => client.ConnectWebSocketAsync("/static/hello.txt"));
    }

    [Fact]
    public void A_missing_directory_is_reported_at_construction_unless_the_check_is_off()
    {
        var missing = Path.Combine(_top, "does-not-exist");

        var error = Assert.Throws<DirectoryNotFoundException>(() => new AsgiBridge.Toolkit.StaticFiles(missing));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Equal(missing, new AsgiBridge.Toolkit.StaticFiles(missing, new StaticFilesOptions { CheckDirectory = false }).Directory);
    }
}
