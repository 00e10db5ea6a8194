using System.Collections.Concurrent;
using AsgiBridge.TestInfrastructure.Http;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.Toolkit;

namespace AsgiBridge.Tests.Security;

/// <summary>
/// Issue 10.2 on real Kestrel, over a raw socket (HttpClient would normalise the targets itself): no request path,
/// however encoded, gives the application a <c>.</c> or <c>..</c> segment, and none makes a file helper read outside its
/// root — neither <see cref="StaticFiles"/>, nor <see cref="FileResponse"/> with a root, nor even the naive
/// <c>FileResponse(Path.Combine(root, name))</c> of the original report.
/// </summary>
public sealed class EncodedTraversalTests : IDisposable
{
    private const string Secret = "TOP-SECRET-OUTSIDE-THE-ROOT";

    private readonly string _top = Directory.CreateTempSubdirectory("asgi-traversal-").FullName;
    private readonly string _public;

    public EncodedTraversalTests()
    {
        _public = Directory.CreateDirectory(Path.Combine(_top, "public")).FullName;
        Directory.CreateDirectory(Path.Combine(_public, "sub"));
        File.WriteAllText(Path.Combine(_public, "ok.txt"), "public file");
        File.WriteAllText(Path.Combine(_public, "sub", "ok2.txt"), "nested public file");
        File.WriteAllText(Path.Combine(_top, "secret.txt"), Secret);
    }

    /// <summary>Every spelling of "one or more levels up, then secret.txt" the corpus tries, below each prefix.</summary>
    public static readonly string[] Corpus =
    [
        "..%2Fsecret.txt",
        "..%2fsecret.txt",
        "%2e%2e/secret.txt",
        "%2E%2E/secret.txt",
        ".%2e/secret.txt",
        "%2e./secret.txt",
        "%2e%2e%2fsecret.txt",
        "%2F..%2Fsecret.txt",
        "sub%2F..%2F..%2Fsecret.txt",
        "sub/..%2F..%2F..%2Fsecret.txt",
        "..%2F..%2F..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "..%5csecret.txt",
        "%2e%2e%5csecret.txt",
        "..\\secret.txt",
        "%c0%ae%c0%ae/secret.txt",
        "%c0%ae%c0%ae%2fsecret.txt",
        "%e0%80%ae%e0%80%ae/secret.txt",
        "%252e%252e%252fsecret.txt",
        "%252e%252e/secret.txt",
        "..%252fsecret.txt",
        "..%00/secret.txt",
        "secret.txt%00.txt",
        "%00..%2Fsecret.txt",
        ".%2E%2fsecret.txt",
        "..;/secret.txt",
        "//..%2Fsecret.txt",
        "./..%2F./..%2Fsecret.txt",
    ];

    public void Dispose() => Directory.Delete(_top, recursive: true);

    private AsgiApp App(ConcurrentBag<string> paths)
    {
        var router = new AsgiRouter();
        router.Mount("/static", new StaticFiles(_public));
        router.MapGet("/rooted/{**name}", request => new FileResponse(Path.Combine(_public, (string)request.PathParams["name"]!), root: _public));
        router.MapGet("/naive/{**name}", request => new FileResponse(Path.Combine(_public, (string)request.PathParams["name"]!)));
        AsgiApp routed = router;
        return (scope, receive, send) =>
        {
            paths.Add(((ConnectionScope)scope).Path);
            return routed(scope, receive, send);
        };
    }

    private static async Task<string> GetAsync(KestrelTestHost host, string target)
    {
        await using var connection = await RawHttpConnection.ConnectAsync(host.Http1Address);
        await connection.SendAsync($"GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        return await connection.ReadToEndAsync();
    }

    [Fact]
    public async Task No_encoded_traversal_reaches_a_dot_segment_or_a_file_outside_the_root()
    {
        var paths = new ConcurrentBag<string>();
        await using var host = await KestrelTestHost.StartAsync(App(paths));

        // The controls: files inside the root are served, also through a decoded %2F.
        Assert.Contains("public file", await GetAsync(host, "/static/ok.txt"), StringComparison.Ordinal);
        Assert.Contains("nested public file", await GetAsync(host, "/static/sub%2Fok2.txt"), StringComparison.Ordinal);
        Assert.Contains("nested public file", await GetAsync(host, "/rooted/sub/ok2.txt"), StringComparison.Ordinal);

        var answers = new List<string>();
        foreach (var prefix in new[] { "/static/", "/rooted/", "/naive/", "/static/sub/", "/naive/sub/" })
        {
            foreach (var attack in Corpus)
            {
                var response = await GetAsync(host, prefix + attack);
                answers.Add(response);
                Assert.DoesNotContain(Secret, response, StringComparison.Ordinal);
                Assert.DoesNotContain("root:", response, StringComparison.Ordinal);
                Assert.Matches("^HTTP/1.1 (400|404|500) ", response);
            }
        }

        Assert.NotEmpty(paths);
        Assert.All(paths, path => Assert.DoesNotContain(path.Split('/'), segment => segment is "." or ".."));
        Assert.Equal(5 * Corpus.Length, answers.Count);
    }

    [Fact]
    public async Task Decoded_percent_2F_stays_inside_the_segment_it_came_from()
    {
        var paths = new ConcurrentBag<string>();
        await using var host = await KestrelTestHost.StartAsync((scope, receive, send) =>
        {
            paths.Add(((ConnectionScope)scope).Path);
            return Infrastructure.AsgiTestApps.SendTextAsync(send, 200, "path=" + ((ConnectionScope)scope).Path);
        });

        Assert.EndsWith("path=/files/etc/passwd", await GetAsync(host, "/files/..%2F..%2F..%2Fetc%2Fpasswd"), StringComparison.Ordinal);
        Assert.Contains("path=/a/b/c", await GetAsync(host, "/a/b%2Fc"), StringComparison.Ordinal);
        Assert.Contains("path=/a/c", await GetAsync(host, "/a/b%2F..%2Fc"), StringComparison.Ordinal);
        Assert.Contains("path=/a/%2e%2e/x", await GetAsync(host, "/a/%252e%252e/x"), StringComparison.Ordinal);   // decoded once only
        Assert.Contains("path=/x", await GetAsync(host, "/a/%2e%2e/x"), StringComparison.Ordinal);               // Kestrel's own dot removal
    }
}
