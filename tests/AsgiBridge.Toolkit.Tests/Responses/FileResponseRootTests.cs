using AsgiBridge.Testing;
using AsgiBridge.Toolkit;

namespace AsgiBridge.Toolkit.Tests.Responses;

/// <summary>Issue 10.2 (c): a <see cref="FileResponse"/> with a root never sends a file outside it.</summary>
public sealed class FileResponseRootTests : IDisposable
{
    private readonly string _top = Directory.CreateTempSubdirectory("asgi-fileroot-").FullName;
    private readonly string _root;

    public FileResponseRootTests()
    {
        _root = Directory.CreateDirectory(Path.Combine(_top, "files")).FullName;
        File.WriteAllText(Path.Combine(_root, "report.txt"), "the report");
        File.WriteAllText(Path.Combine(_top, "secret.txt"), "SECRET");
        File.CreateSymbolicLink(Path.Combine(_root, "link.txt"), Path.Combine(_top, "secret.txt"));
    }

    public void Dispose() => Directory.Delete(_top, recursive: true);

    [Theory]
    [InlineData("report.txt", 200, "the report")]
    [InlineData("../secret.txt", 404, "")]
    [InlineData("link.txt", 404, "")]
    [InlineData("missing.txt", 404, "")]
    [InlineData("/etc/passwd", 404, "")]
    public async Task A_rooted_response_sends_only_files_inside_its_root(string name, int status, string body)
    {
        // The route gets the name from the query, where no path normalisation applies: the root is what protects.
        var router = new AsgiRouter().MapGet("/download", request =>
            new FileResponse(Path.Combine(_root, request.Query["name"].ToString()), root: _root));
        await using var client = await AsgiTestClient.StartAsync(router);

        var response = await client.GetAsync("/download", new() { Query = { ("name", name) } });

        Assert.Equal(status, response.Status);
        Assert.Equal(body, response.Text);
    }
}
